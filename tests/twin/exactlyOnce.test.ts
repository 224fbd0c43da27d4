/**
 * Exactly-once from an acknowledged upload to an execution (issue 15, item 1): an upload the
 * endpoint answered 200 has its execution, whether the twin is closed (Ctrl-C) or killed while
 * uploads are in flight; a restart reconciles what was stored without one; nothing is doubled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { executionNameFor } from '../../src/local/events/index.js';
import { startS3Endpoint } from '../../src/local/s3/index.js';
import { startTwin, type Twin } from '../../src/local/twin.js';
import type { WorkflowRunner } from '../../src/local/workflow/index.js';
import { ROOT, SCHEMAS, removeDir, sourceKey, tempDir, testConfig } from './helpers.js';

const dirs: string[] = [];
const twins: Twin[] = [];
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const t of twins) await t.close();
  for (const d of dirs) await removeDir(d);
});

async function newDir(label: string): Promise<string> {
  const d = await tempDir(label);
  dirs.push(d);
  return d;
}

async function start(dir: string, listen = true): Promise<Twin> {
  const twin = await startTwin(testConfig(dir), { listen });
  twins.push(twin);
  return twin;
}

/** A client that tries once: an answer is an acknowledgement or a refusal, never a retry. */
function onceClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    maxAttempts: 1,
  });
}

/** Upload key → number of executions naming it, and every execution's input event. */
async function executionsByKey(runner: WorkflowRunner) {
  const counts = new Map<string, number>();
  const inputs: { key: string; time: string; sequencer: string; name: string }[] = [];
  for (const e of (await runner.listExecutions({})).executions) {
    const d = await runner.describeExecution(e.executionArn);
    const key = sourceKey(d.input);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const event = JSON.parse(d.input ?? '{}') as {
      time: string;
      detail: { object: { sequencer: string } };
    };
    inputs.push({ key, time: event.time, sequencer: event.detail.object.sequencer, name: e.name });
  }
  return { counts, inputs };
}

function expectExactlyOnce(counts: Map<string, number>, acknowledged: string[]): void {
  const missing = acknowledged.filter((k) => !counts.has(k));
  const doubled = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
  expect({ missing, doubled }).toEqual({ missing: [], doubled: [] });
}

describe('exactly once from acknowledged upload to execution', () => {
  it('an upload acknowledged while the twin closes has its execution after a restart', async () => {
    const dir = await newDir('ack-close');
    const first = await start(dir);
    const client = onceClient(first.s3.endpoint);
    const acknowledged: string[] = [];
    const refused: string[] = [];
    const upload = (key: string, body: string) =>
      client.send(new PutObjectCommand({ Bucket: 'lake-ingest', Key: key, Body: body })).then(
        () => acknowledged.push(key),
        () => refused.push(key),
      );
    // Warm up: open keep-alive connections (server.close() keeps them) and start executions.
    await Promise.all(Array.from({ length: 8 }, (_, i) => upload(`close/warm-${i}.csv`, 'a\n1\n')));
    // Ctrl-C while uploads arrive on those connections.
    const closing = first.close();
    await Promise.all(
      Array.from({ length: 24 }, (_, i) => upload(`close/late-${i}.csv`, 'a\n2\n')),
    );
    await closing;
    client.destroy();
    expect(acknowledged.length + refused.length).toBe(32);

    const second = await start(dir);
    const { counts } = await executionsByKey(second.runner);
    expectExactlyOnce(counts, acknowledged);
    await second.close();
  }, 30_000);

  it('uploads whose bodies are still arriving when close begins are drained: acknowledged and executed', async () => {
    const dir = await newDir('ack-slow');
    const first = await start(dir);
    const { port } = first.s3;
    const statuses = new Map<string, number>();
    // Each upload sends half its body, then the twin is closed, then the other half follows.
    const half = Buffer.from('a,b\n1,x\n');
    const requests = Array.from({ length: 12 }, (_, i) => {
      const key = `slow/junk-${i}.csv`;
      const req = http.request({
        host: '127.0.0.1',
        port,
        agent: false,
        method: 'PUT',
        path: `/lake-ingest/${key}`,
        headers: { 'content-length': String(half.length * 2) },
      });
      const answered = new Promise<void>((resolve) => {
        req.on('response', (res) => {
          statuses.set(key, res.statusCode ?? 0);
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', () => resolve());
      });
      const connected = new Promise<void>((resolve) =>
        req.on('socket', (socket) => socket.once('connect', () => resolve())),
      );
      req.flushHeaders();
      req.write(half);
      return { req, answered, connected, key };
    });
    await Promise.all(requests.map((r) => r.connected));
    for (let i = 0; i < 200 && first.s3.writesInFlight('lake-ingest') < 12; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(first.s3.writesInFlight('lake-ingest')).toBe(12);
    const closing = first.close();
    for (const r of requests) r.req.end(half);
    await Promise.all(requests.map((r) => r.answered));
    await closing;
    const acknowledged = [...statuses].filter(([, s]) => s === 200).map(([k]) => k);
    expect(acknowledged).toHaveLength(12); // admitted before the close: drained, not cut

    const second = await start(dir);
    const { counts } = await executionsByKey(second.runner);
    expectExactlyOnce(counts, acknowledged);
    await second.close();
  }, 30_000);

  it('a stored upload without an execution gets one at the next start, once, with its own time', async () => {
    const dir = await newDir('reconcile');
    // listen: false stands for a crash between storing the object and starting its execution.
    const first = await start(dir, false);
    await first.store.put('lake-ingest', 'late/junk-a.csv', new TextEncoder().encode('a\n1\n'));
    const head = await first.store.head('lake-ingest', 'late/junk-a.csv');
    await first.close();

    const second = await start(dir);
    expect(second.reconciled).toHaveLength(1);
    const { counts, inputs } = await executionsByKey(second.runner);
    expect(counts.get('late/junk-a.csv')).toBe(1);
    // The ingestion time is the write's, not the reconcile's.
    const written = Math.floor(head!.lastModified!.getTime() / 1000);
    expect(Math.abs(Date.parse(inputs[0]!.time) / 1000 - written)).toBeLessThanOrEqual(1);
    await second.close();

    const third = await start(dir);
    expect(third.reconciled).toEqual([]);
    expect((await executionsByKey(third.runner)).counts.get('late/junk-a.csv')).toBe(1);
    expect(await third.reconcile()).toEqual([]);
    await third.close();
  }, 30_000);

  it('the live event and the reconcile agree on the execution (same name, time and sequencer)', async () => {
    const dir = await newDir('same-name');
    const twin = await start(dir);
    await twin.store.put('lake-ingest', 'same/junk-b.csv', new TextEncoder().encode('x\n'));
    const live = (await executionsByKey(twin.runner)).inputs;
    expect(live).toHaveLength(1);
    expect(await twin.reconcile()).toEqual([]);
    await twin.close();
    const again = await start(dir, false);
    const [stored] = await again.s3.storedObjects('lake-ingest');
    expect(stored!.sequencer).toBe(live[0]!.sequencer);
    expect(live[0]!.name).toMatch(/^junk-b_csv-[0-9a-f]{16}$/);
    await again.close();
  }, 30_000);

  it('re-uploading identical bytes is a new version: A, B, A gives three executions', async () => {
    const dir = await newDir('aba');
    const twin = await start(dir);
    const put = (body: string) =>
      twin.store.put('lake-ingest', 'aba/junk.csv', new TextEncoder().encode(body));
    await put('A\n');
    await put('B\n');
    await put('A\n');
    const { counts, inputs } = await executionsByKey(twin.runner);
    expect(counts.get('aba/junk.csv')).toBe(3);
    expect(new Set(inputs.map((i) => i.name)).size).toBe(3);
    await twin.close();
  }, 30_000);

  it('a listener failure answers 500 InternalError, not 200 without an execution', async () => {
    const dir = await newDir('listener-fail');
    const twin = await start(dir, false);
    const errors: unknown[] = [];
    const off = twin.s3.onObjectCreated(() => {
      throw new Error('execution store unavailable');
    });
    const client = onceClient(twin.s3.endpoint);
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const err = await client
        .send(new PutObjectCommand({ Bucket: 'lake-ingest', Key: 'f/junk.csv', Body: 'x' }))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect((err as { name?: string }).name).toBe('InternalError');
      expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(500);
      expect(errors).toHaveLength(1);
    } finally {
      console.error = original;
      off();
      client.destroy();
    }
    await twin.close();
  }, 30_000);

  it('execution names follow Step Functions rules for any key', () => {
    const event = (key: string, sequencer = '0000000000000000A1') =>
      ({
        detail: { bucket: { name: 'b' }, object: { key, etag: 'e', sequencer } },
      }) as Parameters<typeof executionNameFor>[0];
    for (const key of ['a b/ç@!.csv', '../../..', '/', 'x'.repeat(1024), 'ü'.normalize('NFD')]) {
      expect(executionNameFor(event(key))).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    }
    expect(executionNameFor(event('k.csv'))).toBe(executionNameFor(event('k.csv')));
    expect(executionNameFor(event('k.csv'))).not.toBe(executionNameFor(event('k.csv', '1')));
  });
});

describe('a twin killed while uploads are in flight', () => {
  it('after SIGKILL and a restart, every acknowledged upload has exactly one execution', async () => {
    const dir = await newDir('sigkill');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'tests/local/fixtures/twinChild.ts'), dir, SCHEMAS],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    const endpoint = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', (line) => resolve((JSON.parse(line) as { endpoint: string }).endpoint));
      child.once('exit', (code) => reject(new Error(`twin child exited (${code})`)));
      setTimeout(() => reject(new Error('twin child did not start')), 20_000).unref();
    });
    const client = onceClient(endpoint);
    const acknowledged: string[] = [];
    let stop = false;
    const uploader = async (lane: number) => {
      for (let i = 0; !stop; i++) {
        const key = `kill/junk-${lane}-${i}.csv`;
        try {
          await client.send(
            new PutObjectCommand({ Bucket: 'lake-ingest', Key: key, Body: `a\n${i}\n` }),
          );
          acknowledged.push(key);
        } catch {
          return; // the twin is gone
        }
      }
    };
    const lanes = [0, 1, 2, 3].map(uploader);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(lanes);
    client.destroy();
    expect(acknowledged.length).toBeGreaterThan(5);

    const twin = await start(dir);
    const { counts } = await executionsByKey(twin.runner);
    expectExactlyOnce(counts, acknowledged);
    await twin.close();
  }, 30_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('a twin that cannot start', () => {
  it('leaves no endpoint listening and the environment as it was', async () => {
    const dir = await newDir('fail-start');
    // The execution history folder is a file: the runner cannot read it.
    await writeFile(path.join(dir, 'executions'), 'not a folder');
    const before = process.env.S3_ENDPOINT;
    const port = await freePort();
    const err = await startTwin({ ...testConfig(dir), port }, { listen: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(process.env.S3_ENDPOINT).toBe(before);
    // The port is free again: the endpoint it had started was closed.
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise((r) => server.close(r));
  });
});

describe('the endpoint acknowledges a write only after its listeners', () => {
  it('refuses writes to a shut bucket (503) until they are accepted', async () => {
    const dir = await newDir('shut');
    const s3 = await startS3Endpoint({
      dir,
      port: 0,
      buckets: ['lake-ingest', 'lake-raw'],
      shutBuckets: ['lake-ingest'],
    });
    const client = onceClient(s3.endpoint);
    const put = (Bucket: string) =>
      client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' })).then(
        () => 200,
        (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode,
      );
    try {
      expect(await put('lake-ingest')).toBe(503);
      expect(await put('lake-raw')).toBe(200);
      s3.acceptWrites(['lake-ingest']);
      expect(await put('lake-ingest')).toBe(200);
    } finally {
      client.destroy();
      await s3.close();
    }
  });

  it('the 200 comes after the listener has finished, even a slow one', async () => {
    const dir = await newDir('ack-order');
    const twin = await start(dir, false);
    const finished: string[] = [];
    const off = twin.s3.onObjectCreated(async (n) => {
      await new Promise((r) => setTimeout(r, 300));
      finished.push(n.key);
    });
    await twin.store.put('lake-ingest', 'order/junk.csv', new TextEncoder().encode('x\n'));
    expect(finished).toEqual(['order/junk.csv']);
    off();
    await twin.close();
  }, 30_000);
});
