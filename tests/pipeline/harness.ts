/** Test harness: the pipeline steps over an in-memory store and a local catalog in a temp dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContracts } from '../../src/core/contract/index.js';
import { MemoryObjectStore } from '../../src/core/storage/memoryObjectStore.js';
import { LocalCatalog } from '../../src/local/catalog/index.js';
import {
  copyToRaw,
  isSuperseded,
  transformChunk,
  validate,
  type ChunkResult,
  type PipelineDeps,
  type SourceRef,
} from '../../src/pipeline/index.js';

/** Bucket names used by the pipeline tests. */
export const BUCKETS = {
  ingest: 'ingest',
  raw: 'raw',
  curated: 'curated',
  quarantine: 'quarantine',
} as const;

/** Fresh dependencies; call `cleanup` after the test. */
export async function makeDeps(overrides: Partial<PipelineDeps> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'lake-pipeline-'));
  const store = new MemoryObjectStore();
  const catalog = new LocalCatalog(join(dir, 'catalog'));
  const deps: PipelineDeps = {
    store,
    catalog,
    contracts: await loadContracts('schemas'),
    buckets: { raw: BUCKETS.raw, curated: BUCKETS.curated, quarantine: BUCKETS.quarantine },
    database: 'lake',
    ...overrides,
  };
  return { deps, store, catalog, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Upload text to the ingest bucket and return the EventBridge event S3 would send. */
export async function upload(
  store: MemoryObjectStore,
  key: string,
  text: string | Uint8Array,
  time = '2026-11-20T10:00:00Z',
) {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  await store.put(BUCKETS.ingest, key, bytes);
  const info = (await store.head(BUCKETS.ingest, key))!;
  return {
    version: '0',
    id: 'e1',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '000000000000',
    time,
    region: 'us-east-1',
    resources: [`arn:aws:s3:::${BUCKETS.ingest}`],
    detail: {
      version: '0',
      bucket: { name: BUCKETS.ingest },
      object: {
        key,
        size: info.size,
        etag: info.etag!.replace(/"/g, ''),
        sequencer: Date.now().toString(16).toUpperCase(),
      },
      reason: 'PutObject',
    },
  };
}

/** Keys under a prefix of a bucket of the in-memory store. */
export async function keys(
  store: MemoryObjectStore,
  bucket: string,
  prefix = '',
): Promise<string[]> {
  return (await store.list(bucket, prefix)).map((o) => o.key);
}

/** CopyToRaw where the test expects the event's version to be there. */
export async function copyToRawOrFail(...args: Parameters<typeof copyToRaw>): Promise<SourceRef> {
  const result = await copyToRaw(...args);
  if (isSuperseded(result)) throw new Error(`unexpectedly superseded: ${result.reason}`);
  return result;
}

/** An uploaded version's steps up to Commit (CopyToRaw, Validate, Transform), without the state machine. */
export async function stageUpload(
  deps: PipelineDeps,
  event: Awaited<ReturnType<typeof upload>>,
  executionId: string,
): Promise<{ source: SourceRef; chunks: ChunkResult[] }> {
  const source = await copyToRawOrFail(
    {
      bucket: event.detail.bucket.name,
      key: event.detail.object.key,
      size: event.detail.object.size,
      etag: event.detail.object.etag,
      sequencer: event.detail.object.sequencer,
      eventTime: event.time,
    },
    deps,
  );
  const plan = await validate(source, deps);
  const chunks: ChunkResult[] = [];
  for (const chunk of plan.chunks)
    chunks.push(await transformChunk({ source, chunk, executionId }, deps));
  return { source, chunks };
}
