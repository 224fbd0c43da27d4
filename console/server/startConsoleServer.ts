/**
 * The console's HTTP server on 127.0.0.1: one HTML page and a JSON API over the twin. Every
 * request passes the twin's loopback guard (token, loopback Host, no foreign Origin or cross-site
 * fetch, JSON bodies only). The page itself is the one request whose token travels in the URL
 * (`/?token=…`, what `lake dev` prints): a typed or clicked URL cannot carry a header. The page
 * keeps the token in memory and sends it as `Authorization: Bearer` on every API call; it never
 * becomes a cookie, because cookies are not scoped by port (every other server on 127.0.0.1 would
 * receive it) and are sent on requests other pages start. See README.md beside this folder.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { datasetOfFile } from '../../src/cli/datasetOfFile.js';
import { GuardRefusal, guardRequest, readJsonBody } from '../../src/local/http/loopbackGuard.js';
import type { ConsoleBackend } from './consoleBackend.js';
import { consolePage } from './consolePage.js';
import { streamEvents } from './eventStream.js';
import { ExecutionRows, executionRow } from './executionRows.js';
import { quarantineList } from './quarantineList.js';
import { stateRuns, type StateRun, type StateStatus } from './stateRuns.js';
import { tableDetail } from './tableDetails.js';

/** A running console. */
export interface ConsoleServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The URL to open: the page with its token. */
  consoleUrl: string;
  close(): Promise<void>;
}

/** Options of `startConsoleServer`. */
export interface ConsoleServerOptions {
  /** The per-start secret (`lake dev` passes the control API's, from twin.json). */
  token: string;
  /** Loopback port; 0 (the default) picks a free one. */
  port?: number;
  /** Tables and views with their counts (`lake tables --json`'s rows). */
  tables: () => Promise<unknown[]>;
}

/** Largest upload through the page, as JSON with base64 content (bigger files: `lake ingest`). */
export const MAX_UPLOAD_BODY = 64 * 1024 * 1024;

/** A request the API refuses with a status and `{ name, message, hint? }`. */
export class ConsoleRequestError extends Error {
  override name = 'ConsoleRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function objectBody(req: IncomingMessage, limit?: number): Promise<Record<string, unknown>> {
  const value = await readJsonBody(req, limit);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new GuardRefusal(400, 'InvalidJson', 'the body must be a JSON object');
  return value as Record<string, unknown>;
}

function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '')
    throw new ConsoleRequestError(400, 'InvalidRequest', `"${field}" must be a non-empty string`);
  return value;
}

const CHILD_STATUS: Record<string, StateStatus> = {
  RUNNING: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'failed',
  ABORTED: 'aborted',
};

/** A Distributed Map's chunks are its Map Run's child executions: list them on the state. */
async function addMapRunChunks(backend: ConsoleBackend, run: StateRun): Promise<void> {
  if (!run.mapRunArn) return;
  const { executions } = await backend.runner.listExecutions({ mapRunArn: run.mapRunArn });
  const children = executions.sort((a, b) => a.startDate.valueOf() - b.startDate.valueOf());
  run.chunks = children.map((c, index) => ({
    index,
    status: CHILD_STATUS[c.status] ?? 'running',
    executionArn: c.executionArn,
  }));
  const count = (s: StateStatus) => run.chunks!.filter((c) => c.status === s).length;
  run.iterations = {
    started: children.length,
    succeeded: count('succeeded'),
    failed: count('failed') + count('aborted'),
  };
}

/** The page's guard: the token from `?token=` stands in for the header, all else as the API's. */
function guardPage(req: IncomingMessage, url: URL, port: number, token: string): void {
  const given = url.searchParams.get('token') ?? '';
  const headers = { ...req.headers, authorization: given ? `Bearer ${given}` : '' };
  guardRequest({ headers } as IncomingMessage, { port, token });
}

/**
 * Serve the console for `backend` on 127.0.0.1.
 * @example const c = await startConsoleServer(backend, { token, tables }); console.log(c.consoleUrl);
 */
export async function startConsoleServer(
  backend: ConsoleBackend,
  options: ConsoleServerOptions,
): Promise<ConsoleServer> {
  const { token } = options;
  const rows = new ExecutionRows(backend.runner, (file) => datasetOfFile(backend.contracts, file));
  // Build before listening: a broken front end fails `lake dev` at once, not the first visit.
  await consolePage();
  let port = 0;

  const json = (res: ServerResponse, status: number, value: unknown) => {
    // No CORS headers, ever: no other origin may read these answers.
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(JSON.stringify(value));
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const route = `${req.method} ${url.pathname}`;
    const arn = url.searchParams.get('arn') ?? '';
    switch (route) {
      case 'GET /api/info':
        return json(res, 200, {
          database: backend.config.database,
          buckets: backend.config.buckets,
          definition: backend.definition,
        });
      case 'GET /api/events':
        return streamEvents(backend.runner, res);
      case 'GET /api/executions':
        return json(res, 200, await rows.list());
      case 'GET /api/execution/row':
        return json(res, 200, await rows.row(await backend.runner.describeExecution(arn)));
      case 'GET /api/execution': {
        const d = await backend.runner.describeExecution(arn);
        const { events } = await backend.runner.getExecutionHistory(arn);
        const states = [...stateRuns(events, d.status).values()];
        await Promise.all(states.map((s) => addMapRunChunks(backend, s)));
        return json(res, 200, {
          row: executionRow(d, (file) => datasetOfFile(backend.contracts, file)),
          input: d.input,
          output: d.output ?? null,
          events,
          states,
        });
      }
      case 'POST /api/executions': {
        const body = await objectBody(req);
        const input = requiredString(body, 'input');
        return json(res, 200, await backend.runner.startExecution({ input }));
      }
      case 'POST /api/redrive': {
        const body = await objectBody(req);
        return json(
          res,
          200,
          await backend.runner.redriveExecution(requiredString(body, 'executionArn')),
        );
      }
      case 'GET /api/tables':
        return json(res, 200, await options.tables());
      case 'GET /api/table': {
        const detail = await tableDetail(backend, url.searchParams.get('name') ?? '');
        if (!detail) throw new ConsoleRequestError(404, 'TableNotFound', 'no such table or view');
        return json(res, 200, detail);
      }
      case 'POST /api/query': {
        const sql = requiredString(await objectBody(req), 'sql');
        const started = performance.now();
        const answer = await backend.query(sql);
        return json(res, 200, { ...answer, ms: Math.round(performance.now() - started) });
      }
      case 'GET /api/quarantine':
        return json(res, 200, await quarantineList(backend));
      case 'POST /api/upload': {
        const body = await objectBody(req, MAX_UPLOAD_BODY);
        const key = requiredString(body, 'key');
        const content = typeof body.content === 'string' ? body.content : '';
        const bytes = Buffer.from(content, 'base64');
        await backend.store.put(backend.config.buckets.ingest, key, bytes, 'text/csv');
        return json(res, 200, { bucket: backend.config.buckets.ingest, key, size: bytes.length });
      }
      default:
        throw new ConsoleRequestError(404, 'NotFound', `no route ${route}`);
    }
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (req.method === 'GET' && url.pathname === '/') {
        guardPage(req, url, port, token);
        const page = await consolePage();
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': page.contentSecurityPolicy,
          'referrer-policy': 'no-referrer',
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
        });
        return res.end(page.html);
      }
      guardRequest(req, { port, token });
      await api(req, res, url);
    } catch (err) {
      if (res.headersSent) return res.destroy();
      if (err instanceof GuardRefusal) {
        res.setHeader('connection', 'close');
        if (err.status === 401) res.setHeader('www-authenticate', 'Bearer');
        return json(res, err.status, { name: err.code, message: err.message });
      }
      if (err instanceof ConsoleRequestError)
        return json(res, err.status, { name: err.code, message: err.message });
      const e = err as Error & { hint?: string };
      json(res, 400, { name: e.name, message: e.message, ...(e.hint ? { hint: e.hint } : {}) });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    consoleUrl: `${url}/?token=${encodeURIComponent(token)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
