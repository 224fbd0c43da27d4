/**
 * The twin's control API: a small JSON-over-HTTP server on loopback so that other `lake`
 * commands (ingest, redrive, reprocess, executions) reach the executions of a running `lake dev`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowRunner } from './workflow/index.js';

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  return parts.length
    ? (JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>)
    : {};
}

/** Serve the runner's StartExecution / Describe / List / History / Redrive on 127.0.0.1. */
export async function startControlServer(
  runner: WorkflowRunner,
  port = 0,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    try {
      const arn = url.searchParams.get('arn') ?? '';
      if (req.method === 'GET' && url.pathname === '/health') return reply(200, { ok: true });
      if (req.method === 'GET' && url.pathname === '/executions')
        return reply(200, await runner.listExecutions({}));
      if (req.method === 'GET' && url.pathname === '/execution')
        return reply(200, await runner.describeExecution(arn));
      if (req.method === 'GET' && url.pathname === '/history')
        return reply(200, await runner.getExecutionHistory(arn));
      if (req.method === 'POST' && url.pathname === '/executions') {
        const { input, name } = await body(req);
        return reply(
          200,
          await runner.startExecution({ input, ...(typeof name === 'string' ? { name } : {}) }),
        );
      }
      if (req.method === 'POST' && url.pathname === '/redrive') {
        const { executionArn } = await body(req);
        return reply(200, await runner.redriveExecution(String(executionArn)));
      }
      reply(404, { name: 'NotFound', message: `no route ${req.method} ${url.pathname}` });
    } catch (err) {
      const e = err as Error;
      reply(400, { name: e.name, message: e.message });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
