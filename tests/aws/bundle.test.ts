/**
 * The bundled handlers, not the sources: each is built as SST builds it, copied outside the repo
 * (no node_modules to fall back on), and run in a fresh Node process per invocation by the real
 * workflow definition against the twin's S3 endpoint. A missing file or import fails here, not
 * in a deploy.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleHandlers } from '../../src/aws/bundle.js';
import type { BundleResult } from '../../src/aws/bundle.js';
import { createS3Client } from '../../src/aws/s3.js';
import { startS3Endpoint } from '../../src/local/s3/index.js';
import type { S3Endpoint } from '../../src/local/s3/index.js';
import { WorkflowRunner } from '../../src/local/workflow/index.js';
import type { AslDefinition } from '../../src/local/workflow/index.js';
import { HANDLERS } from '../../stacks/documents/functions.js';
import { loadIngestTemplate, renderDefinition } from '../../workflows/render.js';

const run = promisify(execFile);
const BUCKETS = {
  ingest: 'bundle-ingest',
  raw: 'bundle-raw',
  curated: 'bundle-curated',
  quarantine: 'bundle-quarantine',
};

/** Imports the bundle, calls its handler with the event, writes the result or the error to a file. */
const INVOKE = `
import { writeFile } from 'node:fs/promises';
const [bundle, eventFile, resultFile] = process.argv.slice(1);
const event = JSON.parse(await (await import('node:fs/promises')).readFile(eventFile, 'utf8'));
try {
  const { handler } = await import(bundle);
  const result = await handler(event, { awsRequestId: 'bundle-test' });
  await writeFile(resultFile, JSON.stringify({ ok: true, result: result ?? null }));
} catch (err) {
  await writeFile(resultFile, JSON.stringify({ ok: false, name: err?.name, message: err?.message }));
}
`;

let root: string;
let bundles: Array<BundleResult & { name: string }>;
let s3: S3Endpoint;
let client: S3Client;
const invocations: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lake-bundle-'));
  bundles = await bundleHandlers(join(root, 'functions'));
  s3 = await startS3Endpoint({ dir: join(root, 's3'), port: 0, buckets: Object.values(BUCKETS) });
  client = createS3Client({ endpoint: s3.endpoint });
  for (const b of bundles)
    console.log(
      `bundle ${b.name}: ${b.bytes} bytes${b.externals.length ? `, externals ${b.externals.join(', ')}` : ''}`,
    );
});

afterAll(async () => {
  await s3?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** A Lambda stand-in that runs the bundled handler in its own Node process, with Lambda's layout. */
function bundledLambda(bundle: BundleResult & { name: string }) {
  let n = 0;
  return async (event: unknown) => {
    invocations.push(bundle.name);
    const id = `${bundle.name}-${n++}`;
    const eventFile = join(root, `${id}.event.json`);
    const resultFile = join(root, `${id}.result.json`);
    await writeFile(eventFile, JSON.stringify(event));
    await run(
      process.execPath,
      ['--input-type=module', '-e', INVOKE, bundle.outfile, eventFile, resultFile],
      {
        cwd: bundle.outdir,
        env: {
          PATH: process.env.PATH ?? '',
          LAMBDA_TASK_ROOT: bundle.outdir,
          AWS_REGION: 'us-east-1',
          RAW_BUCKET: BUCKETS.raw,
          CURATED_BUCKET: BUCKETS.curated,
          QUARANTINE_BUCKET: BUCKETS.quarantine,
          CATALOG_DATABASE: 'lake_bundle',
          CONTRACTS_DIR: 'schemas',
          S3_ENDPOINT: s3.endpoint,
          LOCAL_CATALOG_DIR: join(root, 'catalog'),
          POWERTOOLS_METRICS_DISABLED: 'true',
        },
      },
    );
    const outcome = JSON.parse(await readFile(resultFile, 'utf8')) as {
      ok: boolean;
      result?: unknown;
      name?: string;
      message?: string;
    };
    if (!outcome.ok)
      throw Object.assign(new Error(outcome.message ?? 'handler failed'), {
        name: outcome.name ?? 'Error',
      });
    return outcome.result;
  };
}

function runner(): WorkflowRunner {
  const names = Object.fromEntries(HANDLERS.map((h) => [h.placeholder, `bundle-${h.name}`]));
  const definition = renderDefinition(loadIngestTemplate(), names) as unknown as AslDefinition;
  const lambdas = Object.fromEntries(
    HANDLERS.map((h) => {
      const file = h.handler.replace(/^functions\//, '').replace(/\.handler$/, '');
      return [`bundle-${h.name}`, bundledLambda(bundles.find((b) => b.name === file)!)];
    }),
  );
  return new WorkflowRunner({ definition, lambdas, name: 'ingest' });
}

async function upload(key: string, body: string) {
  const put = await client.send(
    new PutObjectCommand({ Bucket: BUCKETS.ingest, Key: key, Body: body }),
  );
  return {
    version: '0',
    id: `test-${key}`,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '000000000000',
    time: '2021-07-01T09:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:s3:::${BUCKETS.ingest}`],
    detail: {
      version: '0',
      bucket: { name: BUCKETS.ingest },
      object: {
        key,
        size: Buffer.byteLength(body),
        etag: (put.ETag ?? '').replace(/"/g, ''),
        sequencer: '0001',
      },
      'request-id': 'r',
      requester: '000000000000',
      'source-ip-address': '127.0.0.1',
      reason: 'PutObject',
    },
  };
}

async function keys(bucket: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

describe('bundled handlers', () => {
  it('builds one self-contained ESM bundle per handler, with the contracts beside it', () => {
    expect(bundles.map((b) => b.name).sort()).toEqual([
      'commit',
      'copy-to-raw',
      'quarantine',
      'transform',
      'validate',
    ]);
    for (const b of bundles) {
      expect(b.outfile.endsWith('bundle.mjs')).toBe(true);
      expect(b.externals).toEqual([]);
      expect(b.bytes).toBeGreaterThan(10_000);
    }
  });

  it('ingest a sample file end to end through the workflow, every step a bundle in its own process', async () => {
    const body = await readFile(join(import.meta.dirname, '../../sample_data/users.csv'), 'utf8');
    const wf = runner();
    const { executionArn } = await wf.startExecution({ input: await upload('users.csv', body) });
    const done = await wf.waitForExecution(executionArn);
    expect(done.error ?? '', done.cause ?? '').toBe('');
    expect(done.status).toBe('SUCCEEDED');
    for (const step of ['copy-to-raw', 'validate', 'transform', 'commit'])
      expect(invocations).toContain(step);
    const raw = await keys(BUCKETS.raw);
    expect(raw.some((k) => k.startsWith('users/') && k.endsWith('users.csv'))).toBe(true);
    const curated = await keys(BUCKETS.curated);
    expect(curated.some((k) => /^users\/date=\d{4}-\d{2}-\d{2}\/part-.*\.parquet$/.test(k))).toBe(
      true,
    );
    expect(curated.some((k) => k.startsWith('users_rejected/'))).toBe(true);
  });

  it('quarantines an upload no contract claims, through the bundled quarantine handler', async () => {
    const wf = runner();
    const { executionArn } = await wf.startExecution({
      input: await upload('mystery.csv', 'a,b\n1,2\n'),
    });
    const done = await wf.waitForExecution(executionArn);
    expect(done.status).toBe('FAILED');
    expect(invocations).toContain('quarantine');
    const quarantined = await keys(BUCKETS.quarantine);
    expect(quarantined.some((k) => k.includes('mystery.csv'))).toBe(true);
  });
});
