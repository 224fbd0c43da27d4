/** The manifest of an uploaded key: which version last committed, and every file it produced. */
import { ObjectNotFoundError } from '../core/storageErrors.js';
import type { ObjectStore } from '../core/ports.js';

/** Contents of `_manifests/<dataset>/<key-id>.json`. */
export interface Manifest {
  dataset: string;
  sourceBucket: string;
  sourceKey: string;
  sourceVersion: string;
  sourceId: string;
  sequencer?: string;
  executionId: string;
  committedAt: string;
  rowsRead: number;
  rowsCurated: number;
  rowsRejected: number;
  files: string[];
}

/** Read a JSON object, or undefined when there is none. */
export async function readJson<T>(
  store: ObjectStore,
  bucket: string,
  key: string,
): Promise<T | undefined> {
  try {
    const chunks: Uint8Array[] = [];
    for await (const c of await store.get(bucket, key)) chunks.push(c);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}

/** Write a value as pretty JSON. */
export async function writeJson(
  store: ObjectStore,
  bucket: string,
  key: string,
  value: unknown,
): Promise<void> {
  await store.put(
    bucket,
    key,
    new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n'),
    'application/json',
  );
}

/**
 * Order of two S3 sequencers of one key: positive when `a` is later. Sequencers are hex strings
 * of varying length; compared as numbers (left-padded).
 */
export function compareSequencers(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  const pa = a.toUpperCase().padStart(n, '0');
  const pb = b.toUpperCase().padStart(n, '0');
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}
