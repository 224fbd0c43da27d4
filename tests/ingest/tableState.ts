/**
 * What a reader of the in-memory lake sees, computed from the stored objects alone: the rows of
 * the files committed manifests name (the twin's view), and every data file under a table's
 * prefix (what Athena would list).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MemoryObjectStore } from '../../src/core/storage/memoryObjectStore.js';
import type { LocationResolver, ResolvedObject } from '../../src/local/query/localFileResolver.js';
import { parquetRows } from '../core/helpers.js';
import { BUCKETS } from '../pipeline/harness.js';

/** Keys of the Parquet files under `<table>/`. */
export async function dataFiles(store: MemoryObjectStore, table: string): Promise<string[]> {
  return (await store.list(BUCKETS.curated, `${table}/`))
    .map((o) => o.key)
    .filter((k) => k.endsWith('.parquet'));
}

/** Every file a manifest of `dataset` names, sorted. */
export async function namedFiles(store: MemoryObjectStore, dataset: string): Promise<string[]> {
  const files: string[] = [];
  for (const o of await store.list(BUCKETS.curated, `_manifests/${dataset}/`)) {
    const manifest = JSON.parse(Buffer.from(store.bytes(BUCKETS.curated, o.key)!).toString()) as {
      files: string[];
    };
    files.push(...manifest.files);
  }
  return files.sort();
}

/** Rows of the committed files of `table` (`users`, `users_rejected`). */
export async function committedRows(
  store: MemoryObjectStore,
  dataset: string,
  table = dataset,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const key of await namedFiles(store, dataset)) {
    if (!key.startsWith(`${table}/`)) continue;
    const body = store.bytes(BUCKETS.curated, key);
    if (!body) throw new Error(`a manifest names ${key}, which does not exist`);
    rows.push(...(await parquetRows(body)));
  }
  return rows;
}

/**
 * A `LocationResolver` over the memory store, so the twin's query engine can read a pipeline
 * test's lake: objects under a location are written to `dir` (as they are now) and named there.
 */
export function memoryResolver(store: MemoryObjectStore, dir: string): LocationResolver {
  return async (location) => {
    const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(location);
    if (!m) return [];
    const [, bucket, prefix] = m as unknown as [string, string, string];
    const out: ResolvedObject[] = [];
    for (const o of await store.list(bucket, prefix)) {
      // The key's own path, so DuckDB's Hive partitioning sees `date=…/hour=…`.
      const file = path.join(dir, bucket, o.key);
      if (!file.startsWith(path.join(dir, bucket) + path.sep))
        throw new Error(`key ${o.key} would leave the test folder`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, store.bytes(bucket, o.key)!);
      out.push({ uri: `s3://${bucket}/${o.key}`, file });
    }
    return out;
  };
}
