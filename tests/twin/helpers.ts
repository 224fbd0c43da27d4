/** Shared pieces of the twin integration tests: a twin on a temp dir, SDK clients, waiting, the CLI. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runQuery } from '../../src/cli/commands/query.js';
import { startTwin, type Twin } from '../../src/local/twin.js';
import { twinConfig, type TwinConfig } from '../../src/local/twinConfig.js';
import type { WorkflowRunner } from '../../src/local/workflow/index.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCHEMAS = path.join(ROOT, 'schemas');
export const SAMPLES = path.join(ROOT, 'sample_data');

/** A fresh state folder under the OS temp dir. */
export async function tempDir(label: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `lake-twin-${label}-`));
}

/** Remove a temp dir (afterAll). */
export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** The twin's configuration on `dir`, loopback, a free port. */
export function testConfig(dir: string): TwinConfig {
  return twinConfig({ dir, port: 0, schemasDir: SCHEMAS });
}

/** Start a listening twin on `dir` and a free port. */
export async function startTestTwin(dir: string): Promise<Twin> {
  return startTwin(testConfig(dir), { listen: true });
}

/**
 * An S3 client with the SDK's default settings (checksums WHEN_SUPPORTED, aws-chunked streaming):
 * only where to connect, as any user's client would be set up.
 */
export function defaultSdkClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'any-key', secretAccessKey: 'any-secret' },
  });
}

/** An object's bytes. */
export async function getBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** Every key of a bucket (one page is enough for these tests; asserts it). */
export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  if (out.IsTruncated) throw new Error(`more than one page of keys in ${bucket}/${prefix}`);
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

/** A short poll. */
export const tick = (ms = 100) => new Promise((r) => setTimeout(r, ms));

/**
 * Wait until the runner lists at least `count` executions and none of them is RUNNING; throws with
 * what it saw when `timeoutMs` passes first.
 */
export async function waitForExecutions(runner: WorkflowRunner, count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { executions } = await runner.listExecutions({});
    if (executions.length >= count && executions.every((e) => e.status !== 'RUNNING')) {
      return Promise.all(executions.map((e) => runner.describeExecution(e.executionArn)));
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${count} finished executions; have ${executions.map((e) => `${e.name}:${e.status}`).join(', ') || 'none'}`,
      );
    }
    await tick(150);
  }
}

/** The upload key an execution's input names. */
export function sourceKey(input: string | undefined): string {
  const i = JSON.parse(input ?? '{}') as {
    detail?: { object?: { key?: string } };
    source?: { sourceKey?: string };
  };
  return i.detail?.object?.key ?? i.source?.sourceKey ?? '?';
}

/** Run `lake ARGS…` in process; returns the exit code and what it wrote on stdout and stderr. */
export async function lake(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await main(['node', 'lake', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** `lake --dir DIR --port 0 --schemas SCHEMAS query SQL --json`, parsed. */
export async function lakeQueryJson(dir: string, sql: string): Promise<Record<string, unknown>[]> {
  const r = await lake('--dir', dir, '--port', '0', '--schemas', SCHEMAS, 'query', sql, '--json');
  if (r.code !== 0) throw new Error(`lake query exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>[];
}

/** One number from a query through the CLI's query path. */
export async function scalar(config: TwinConfig, sql: string): Promise<number> {
  const { rows } = await runQuery(config, sql);
  return Number(rows[0]?.[0]);
}
