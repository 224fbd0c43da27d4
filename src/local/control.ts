/**
 * The twin's control API: a small JSON-over-HTTP server on loopback so that other `lake`
 * commands (ingest, redrive, reprocess, executions) reach the executions of a running `lake dev`.
 * Every request passes the loopback guard (token, loopback Host, no foreign Origin; JSON bodies
 * only): see http/loopbackGuard.ts for the attacks this stops.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GuardRefusal, guardRequest, readJsonBody } from './http/loopbackGuard.js';
import type { WorkflowRunner } from './workflow/index.js';

/** A running control API. */
export interface ControlServer {
  url: string;
  /** The per-start secret every request must carry (`Authorization: Bearer …`). */
  token: string;
  close(): Promise<void>;
}

/** A fresh token: 32 random bytes, URL-safe. */
export function newControlToken(): string {
  return randomBytes(32).toString('base64url');
}

async function objectBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const value = await readJsonBody(req);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new GuardRefusal(400, 'InvalidJson', 'the body must be a JSON object');
  return value as Record<string, unknown>;
}

/** The longest a `GET /execution?wait=MS` is held. */
const MAX_WAIT_MS = 30_000;

/** Resolves when the execution is no longer running here, or after `ms`. */
async function untilDone(runner: WorkflowRunner, arn: string, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    runner.waitForExecution(arn),
    new Promise((r) => (timer = setTimeout(r, ms))),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Serve the runner's StartExecution / Describe / List / History / Redrive on 127.0.0.1.
 * `/health` needs the token too: the only callers are `lake` commands, which have it.
 */
export async function startControlServer(
  runner: WorkflowRunner,
  options: { port?: number; token?: string } = {},
): Promise<ControlServer> {
  const token = options.token ?? newControlToken();
  let port = 0;
  const server: Server = createServer(async (req, res) => {
    const reply = (status: number, value: unknown) => {
      // No CORS headers, ever: a browser page must not read these answers.
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(value));
    };
    try {
      guardRequest(req, { port, token });
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const arn = url.searchParams.get('arn') ?? '';
      if (req.method === 'GET' && url.pathname === '/health') return reply(200, { ok: true });
      if (req.method === 'GET' && url.pathname === '/executions')
        return reply(200, await runner.listExecutions({}));
      if (req.method === 'GET' && url.pathname === '/execution') {
        // `wait=MS`: a long poll, answered as the execution ends (lake ingest sees it at once).
        const wait = Math.min(Number(url.searchParams.get('wait')) || 0, MAX_WAIT_MS);
        if (wait > 0) await untilDone(runner, arn, wait);
        return reply(200, await runner.describeExecution(arn));
      }
      if (req.method === 'GET' && url.pathname === '/history')
        return reply(200, await runner.getExecutionHistory(arn));
      if (req.method === 'POST' && url.pathname === '/executions') {
        const { input, name } = await objectBody(req);
        return reply(
          200,
          await runner.startExecution({ input, ...(typeof name === 'string' ? { name } : {}) }),
        );
      }
      if (req.method === 'POST' && url.pathname === '/redrive') {
        const { executionArn } = await objectBody(req);
        return reply(200, await runner.redriveExecution(String(executionArn)));
      }
      reply(404, { name: 'NotFound', message: `no route ${req.method} ${url.pathname}` });
    } catch (err) {
      if (err instanceof GuardRefusal) {
        res.setHeader('connection', 'close');
        if (err.status === 401) res.setHeader('www-authenticate', 'Bearer');
        return reply(err.status, { name: err.code, message: err.message });
      }
      const e = err as Error;
      reply(400, { name: e.name, message: e.message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
