/**
 * The control API refuses what a hostile web page or a DNS-rebinding attack can send, and serves
 * the `lake` commands, which carry the token from twin.json. Real HTTP on 127.0.0.1, port 0.
 */
import { request } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlServer, type ControlServer } from '../../src/local/control.js';
import { isLoopbackHost, isOwnOrigin } from '../../src/local/http/loopbackGuard.js';
import { twinConfig, twinPaths } from '../../src/local/twinConfig.js';
import { FakeClock, WorkflowRunner } from '../../src/local/workflow/index.js';
import { findRunningTwin, openTwin, writeTwinRecord } from '../../src/cli/twinHandle.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** One HTTP request with exactly these headers (http.request lets us set Host, unlike fetch). */
function send(
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(u.port),
        method: options.method ?? 'GET',
        path: options.path ?? '/health',
        headers: options.headers ?? {},
        agent: false,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (p: Buffer) => parts.push(p));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

let runner: WorkflowRunner;
let control: ControlServer;
let port: number;
let dir: string;
const auth = () => ({ authorization: `Bearer ${control.token}` });
const host = () => ({ host: `127.0.0.1:${port}` });
const executionCount = async () => (await runner.listExecutions({})).executions.length;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lake-control-'));
  await mkdir(path.join(dir, 'schemas'));
  runner = new WorkflowRunner({
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: { A: { Type: 'Pass', End: true } },
    },
    clock: new FakeClock(),
    skipValidation: true,
  });
  control = await startControlServer(runner);
  port = Number(new URL(control.url).port);
});

afterAll(async () => {
  await control.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the token', () => {
  it('is random per start, 32 bytes', async () => {
    const other = await startControlServer(runner);
    try {
      expect(other.token).not.toBe(control.token);
      expect(Buffer.from(control.token, 'base64url')).toHaveLength(32);
    } finally {
      await other.close();
    }
  });

  it('is required on every route, health included: 401 with a JSON error', async () => {
    for (const route of ['/health', '/executions', '/execution?arn=x', '/history?arn=x']) {
      const r = await send(control.url, { path: route, headers: host() });
      expect(r.status, route).toBe(401);
      expect(r.body.name).toBe('Unauthorized');
      expect(r.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('refuses a wrong token, one of another length, and another scheme', async () => {
    for (const authorization of [
      `Bearer ${control.token.slice(0, -1)}${control.token.endsWith('A') ? 'B' : 'A'}`,
      'Bearer short',
      `Basic ${control.token}`,
      control.token,
    ]) {
      const r = await send(control.url, { headers: { ...host(), authorization } });
      expect(r.status, authorization).toBe(401);
    }
  });

  it('serves the right token', async () => {
    const r = await send(control.url, { headers: { ...host(), ...auth() } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('Host (DNS rebinding)', () => {
  it.each([
    'evil.example',
    `evil.example:${1}`,
    'evil.example:PORT',
    '127.0.0.1.evil.example:PORT',
    '127.0.0.1:1',
    'localhost',
  ])('refuses Host %s with 403, token or not', async (value) => {
    const r = await send(control.url, {
      headers: { host: value.replace('PORT', String(port)), ...auth() },
    });
    expect(r.status).toBe(403);
    expect(r.body.name).toBe('ForbiddenHost');
  });

  it.each(['127.0.0.1:PORT', 'localhost:PORT', 'LOCALHOST:PORT', '[::1]:PORT'])(
    'serves Host %s',
    async (value) => {
      const r = await send(control.url, {
        headers: { host: value.replace('PORT', String(port)), ...auth() },
      });
      expect(r.status).toBe(200);
    },
  );
});

describe('Origin', () => {
  it.each([
    'http://evil.example',
    'null',
    'https://127.0.0.1:PORT',
    'http://127.0.0.1:1',
    'http://localhost:PORT/path',
  ])('refuses Origin %s with 403', async (value) => {
    const r = await send(control.url, {
      headers: { ...host(), ...auth(), origin: value.replace('PORT', String(port)) },
    });
    expect(r.status).toBe(403);
    expect(r.body.name).toBe('ForbiddenOrigin');
  });

  it('refuses a browser request marked cross-site', async () => {
    const r = await send(control.url, {
      headers: { ...host(), ...auth(), 'sec-fetch-site': 'cross-site' },
    });
    expect(r.status).toBe(403);
  });

  it('serves the twin own origin (a console served by lake dev)', async () => {
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const r = await send(control.url, { headers: { ...host(), ...auth(), origin } });
      expect(r.status, origin).toBe(200);
    }
  });
});

describe('POST bodies', () => {
  const post = (body: string, headers: Record<string, string>) =>
    send(control.url, { method: 'POST', path: '/executions', headers, body });

  it('refuses the CORS simple request of a web page (text/plain, no token) and starts nothing', async () => {
    const before = await executionCount();
    const r = await post(JSON.stringify({ input: { evil: true } }), {
      ...host(),
      'content-type': 'text/plain',
      origin: 'http://evil.example',
    });
    expect(r.status).toBe(403);
    expect(await executionCount()).toBe(before);
  });

  it('refuses text/plain and form bodies with 415 even with the token', async () => {
    const before = await executionCount();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const r = await post('{"input":{}}', { ...host(), ...auth(), 'content-type': type });
      expect(r.status, type).toBe(415);
      expect(r.body.name).toBe('UnsupportedMediaType');
    }
    const none = await post('{"input":{}}', { ...host(), ...auth() });
    expect(none.status).toBe(415);
    expect(await executionCount()).toBe(before);
  });

  it('refuses malformed JSON and non-object JSON with 400', async () => {
    const headers = { ...host(), ...auth(), 'content-type': 'application/json' };
    for (const body of ['{"input":', 'not json', '[1]', '"x"']) {
      const r = await post(body, headers);
      expect(r.status, body).toBe(400);
      expect(r.body.name).toBe('InvalidJson');
    }
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const r = await post(JSON.stringify({ input: 'x'.repeat(1024 * 1024) }), {
      ...host(),
      ...auth(),
      'content-type': 'application/json',
    });
    expect(r.status).toBe(413);
  });

  it('starts an execution for JSON with the token (charset parameter allowed)', async () => {
    const before = await executionCount();
    const r = await post(JSON.stringify({ input: { a: 1 }, name: 'ok-run' }), {
      ...host(),
      ...auth(),
      'content-type': 'application/json; charset=utf-8',
    });
    expect(r.status).toBe(200);
    expect(String(r.body.executionArn)).toContain('ok-run');
    expect(await executionCount()).toBe(before + 1);
  });
});

describe('waiting for an execution (lake ingest)', () => {
  it('GET /execution?wait=MS answers as the execution ends; a shorter wait answers RUNNING', async () => {
    const fn = 'arn:aws:lambda:us-east-1:1:function:gate';
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const gated = new WorkflowRunner({
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: fn, End: true } },
      },
      lambdas: { [fn]: () => gate.then(() => ({ ok: true })) },
      skipValidation: true,
    });
    const server = await startControlServer(gated);
    try {
      const { executionArn } = await gated.startExecution({ input: {} });
      const headers = {
        authorization: `Bearer ${server.token}`,
        host: new URL(server.url).host,
      };
      const wait = (ms: number) =>
        send(server.url, {
          path: `/execution?arn=${encodeURIComponent(executionArn)}&wait=${ms}`,
          headers,
        });
      expect((await wait(50)).body.status).toBe('RUNNING');
      const held = wait(20_000);
      const opened = Date.now();
      setTimeout(open, 200);
      const answer = await held;
      expect(answer.body.status).toBe('SUCCEEDED');
      expect(Date.now() - opened).toBeLessThan(2000);
    } finally {
      open();
      await server.close();
    }
  });
});

describe('the guard helpers (reused by the console)', () => {
  it('isLoopbackHost / isOwnOrigin', () => {
    expect(isLoopbackHost('127.0.0.1:80', 80)).toBe(true);
    expect(isLoopbackHost('[::1]:80', 80)).toBe(true);
    expect(isLoopbackHost('[::2]:80', 80)).toBe(false);
    expect(isLoopbackHost('127.0.0.2:80', 80)).toBe(false);
    expect(isLoopbackHost(undefined, 80)).toBe(false);
    expect(isOwnOrigin('http://localhost:80', 80)).toBe(true);
    expect(isOwnOrigin('http://localhost:80@evil.example', 80)).toBe(false);
  });
});

describe('twin.json and the lake commands', () => {
  const config = () => twinConfig({ dir, port: 0, schemasDir: path.join(dir, 'schemas') });
  const record = (token: string, controlUrl = control.url) => ({
    pid: process.pid,
    s3Endpoint: 'http://127.0.0.1:1',
    controlUrl,
    token,
    startedAt: new Date().toISOString(),
  });

  it('is written owner-only, and an existing looser file is replaced by a 0600 one', async () => {
    const file = twinPaths(config()).pidFile;
    await writeFile(file, '{}', { mode: 0o644 });
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    await writeTwinRecord(config(), record(control.token));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ token: control.token });
  });

  it('finds the running twin with the token; not with a wrong one; never sends it off loopback', async () => {
    await writeTwinRecord(config(), record(control.token));
    expect(await findRunningTwin(config())).toMatchObject({ controlUrl: control.url });
    await writeTwinRecord(config(), record('wrong'));
    expect(await findRunningTwin(config())).toBeUndefined();
    await writeTwinRecord(config(), record(control.token, 'http://evil.example:80'));
    expect(await findRunningTwin(config())).toBeUndefined();
  });

  it('lake commands drive the twin through the API with the token', async () => {
    await writeTwinRecord(config(), record(control.token));
    const twin = await openTwin(config());
    try {
      expect(twin.mode).toBe('running');
      const { executionArn } = await twin.executions.startExecution({ input: { via: 'cli' } });
      const d = await twin.executions.describeExecution(executionArn);
      expect(d.executionArn).toBe(executionArn);
      const listed = await twin.executions.listExecutions({});
      expect(listed.executions.map((e) => e.executionArn)).toContain(executionArn);
    } finally {
      await twin.close();
    }
  });
});
