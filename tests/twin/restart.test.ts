/**
 * Stopping the twin while an execution runs, and starting it again: the execution is shown as
 * stopped (ABORTED), it can be redriven to SUCCEEDED, and what was curated before is intact.
 * Three ways to stop: a crash (SIGKILL of `lake dev`), Ctrl-C (SIGINT of `lake dev`), and
 * `twin.close()` in process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type Twin } from '../../src/local/twin.js';
import { twinConfig, twinPaths } from '../../src/local/twinConfig.js';
import { FileExecutionStore } from '../../src/local/workflow/index.js';
import { splitUsers } from './expected.js';
import {
  ROOT,
  SCHEMAS,
  defaultSdkClient,
  lake,
  listKeys,
  removeDir,
  scalar,
  sourceKey,
  tempDir,
  testConfig,
  tick,
} from './helpers.js';

/**
 * Users created in `hours` distinct hours (one row each after the first `hours`): with `users`
 * partitioned by created_at hour (see `schemas`), many partitions make Transform and Commit take
 * a few seconds, long enough to stop the twin part-way.
 */
function usersFile(firstId: number, rows: number, hours: number): string {
  const lines = ['id,email,name,country,created_at,updated_at'];
  for (let r = 0; r < rows; r++) {
    const created = new Date(Date.UTC(2023, 0, 1) + (r % hours) * 3_600_000 + r * 1000);
    lines.push(
      [
        firstId + r,
        `u${firstId + r}@example.com`,
        `User ${firstId + r}`,
        'FR',
        created.toISOString(),
        '',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

const SMALL = usersFile(1, 20, 5);
const SLOW = usersFile(10_000, 500, 200);
const smallRows = splitUsers(SMALL).good.length;
const slowRows = splitUsers(SLOW).good.length;

const dirs: string[] = [];
const children: ChildProcess[] = [];
const twins: Twin[] = [];
/** The sample contracts, with `users` by created_at hour and room for the slow file's 200 hours. */
let schemas: string;

beforeAll(async () => {
  schemas = await tempDir('restart-schemas');
  dirs.push(schemas);
  await cp(SCHEMAS, schemas, { recursive: true });
  const file = path.join(schemas, 'users.json');
  const users = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  users.partitioning = { time: 'created_at', grain: 'hour', maxPartitionsPerFile: 1000 };
  await writeFile(file, JSON.stringify(users, null, 2));
});

/** The twin's configuration for `dir`, with the contracts above. */
const configOf = (dir: string) => twinConfig({ dir, port: 0, schemasDir: schemas });

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const t of twins) await t.close();
  for (const d of dirs) await removeDir(d);
});

/** `lake dev --no-samples` in a child process, on a free port; resolves with its S3 endpoint once it serves. */
async function devProcess(
  dir: string,
): Promise<{ child: ChildProcess; endpoint: string; output: () => string }> {
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin/lake.js'),
      '--dir',
      dir,
      '--port',
      '0',
      '--schemas',
      schemas,
      'dev',
      '--no-samples',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const record = await readFile(twinPaths(testConfig(dir)).pidFile, 'utf8').catch(
      () => undefined,
    );
    if (record)
      return {
        child,
        endpoint: (JSON.parse(record) as { s3Endpoint: string }).s3Endpoint,
        output: () => out,
      };
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`lake dev did not start:\n${out}`);
    await tick(100);
  }
}

/** Poll the execution store on disk (as another process sees it) until `pick` finds something. */
async function waitInStore<T>(
  dir: string,
  what: string,
  pick: (store: FileExecutionStore) => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const store = new FileExecutionStore(twinPaths(testConfig(dir)).executions);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await pick(store);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick(50);
  }
}

/** The execution of `key` once it has a history event of `type`. */
function executionAt(dir: string, key: string, type: string) {
  return waitInStore(dir, `${key} at ${type}`, async (store) => {
    for (const r of await store.listExecutions()) {
      if (sourceKey(r.input) !== key) continue;
      if ((await store.getHistory(r.executionArn)).some((e) => e.type === type)) return r;
    }
    return undefined;
  });
}

async function upload(endpoint: string, key: string, body: string): Promise<void> {
  const client = defaultSdkClient(endpoint);
  try {
    await client.send(new PutObjectCommand({ Bucket: 'lake-ingest', Key: key, Body: body }));
  } finally {
    client.destroy();
  }
}

async function exited(child: ChildProcess, timeoutMs: number): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null)
    return child.exitCode ?? child.signalCode!;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`process ${child.pid} still running after ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal!);
    });
  });
}

/** A twin in this process on `dir` (the next start after a stop). */
async function restart(dir: string): Promise<Twin> {
  const twin = await startTwin(configOf(dir), { listen: true });
  twins.push(twin);
  return twin;
}

/** Redrive, wait, and check every row of both files is there once. */
async function redriveAndCheck(twin: Twin, arn: string, before: number) {
  await twin.runner.redriveExecution(arn);
  const done = await twin.runner.waitForExecution(arn);
  expect(done.status, `${done.error} ${done.cause}`).toBe('SUCCEEDED');
  expect(done.redriveCount).toBe(1);
  expect(JSON.parse(done.output!)).toMatchObject({
    rowsRead: 500,
    rowsCurated: slowRows,
    rowsRejected: 0,
  });
  expect(await scalar(twin.config, 'SELECT count(*) FROM users')).toBe(before + slowRows);
  expect(await scalar(twin.config, 'SELECT count(DISTINCT id) FROM users')).toBe(before + slowRows);
  expect(
    await scalar(
      twin.config,
      "SELECT count(*) FROM users WHERE _source_key = 'slow/users_slow.csv'",
    ),
  ).toBe(slowRows);
  const partitions = await twin.catalog.listPartitions('lake', 'users');
  expect(new Set(partitions.map((p) => p.Values.join('/'))).size).toBe(partitions.length);
}

describe('restart', () => {
  it('after a crash mid-run: the run is ABORTED, listed as such, redrives to SUCCEEDED, and earlier rows are kept', async () => {
    const dir = await tempDir('crash');
    dirs.push(dir);
    const dev = await devProcess(dir);
    await upload(dev.endpoint, 'users_small.csv', SMALL);
    await executionAt(dir, 'users_small.csv', 'ExecutionSucceeded');
    await upload(dev.endpoint, 'slow/users_slow.csv', SLOW);
    const running = await executionAt(dir, 'slow/users_slow.csv', 'MapStateEntered');
    dev.child.kill('SIGKILL');
    await exited(dev.child, 10_000);

    const twin = await restart(dir);
    expect(twin.orphans).toEqual([running.executionArn]);
    const aborted = await twin.runner.describeExecution(running.executionArn);
    expect(aborted.status).toBe('ABORTED');
    expect(aborted.cause).toMatch(/stopped/);

    // The CLI shows it (it opens its own twin on the same folder, in this process).
    const listed = await lake('--dir', dir, '--port', '0', 'executions');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/slow\/users_slow\.csv\s+ABORTED/);
    expect(listed.stdout).toMatch(/users_small\.csv\s+SUCCEEDED/);

    // Nothing of the stopped run is visible; the earlier file is intact.
    expect(await scalar(twin.config, 'SELECT count(*) FROM users')).toBe(smallRows);
    await redriveAndCheck(twin, running.executionArn, smallRows);
    expect(
      await scalar(twin.config, "SELECT count(*) FROM users WHERE _source_key = 'users_small.csv'"),
    ).toBe(smallRows);
  }, 90_000);

  it('after Ctrl-C mid-run: lake dev exits promptly, the run is ABORTED (not failed, not quarantined) and redrives to SUCCEEDED', async () => {
    const dir = await tempDir('sigint');
    dirs.push(dir);
    const dev = await devProcess(dir);
    await upload(dev.endpoint, 'slow/users_slow.csv', SLOW);
    const running = await executionAt(dir, 'slow/users_slow.csv', 'MapStateEntered');
    const stoppedAt = Date.now();
    dev.child.kill('SIGINT');
    expect(await exited(dev.child, 15_000), dev.output()).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);

    const twin = await restart(dir);
    const d = await twin.runner.describeExecution(running.executionArn);
    expect(d.status, `${d.error} ${d.cause}`).toBe('ABORTED');
    const history = (await twin.runner.getExecutionHistory(running.executionArn)).events.map(
      (e) => e.type,
    );
    expect(history).not.toContain('ExecutionFailed');
    expect(await listKeys(twin.store.client, 'lake-quarantine')).toEqual([]);
    await redriveAndCheck(twin, running.executionArn, 0);
  }, 90_000);

  it('after twin.close() mid-run in process: close returns promptly and the run is ABORTED and redrivable', async () => {
    const dir = await tempDir('close');
    dirs.push(dir);
    const first = await startTwin(configOf(dir), { listen: true });
    await upload(first.s3.endpoint, 'slow/users_slow.csv', SLOW);
    const running = await executionAt(dir, 'slow/users_slow.csv', 'MapStateEntered');
    const stoppedAt = Date.now();
    await first.close();
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    const d = await first.runner.describeExecution(running.executionArn);
    expect(d.status, `${d.error} ${d.cause}`).toBe('ABORTED');

    const twin = await restart(dir);
    expect(twin.orphans).toEqual([]);
    await redriveAndCheck(twin, running.executionArn, 0);
  }, 90_000);
});
