/**
 * Manifests: the commit point of the lake. A manifest names the version that last committed in its
 * scope (an uploaded key, or a whole `replace` table) and every file that version produced; a file
 * no manifest names is not part of any table. It is written with a conditional PUT, so of two
 * Commits racing on one scope exactly one wins, and the loser re-reads.
 */
import type { WriteMode } from '../core/contract/types.js';
import type { ObjectStore, WriteCondition } from '../core/ports.js';
import { ObjectNotFoundError } from '../core/storageErrors.js';

/** A partition a commit registered, with its row count. */
export interface CommittedPartition {
  table: string;
  date: string;
  hour?: string;
  rows: number;
}

/** Contents of `_manifests/<dataset>/<scope>.json`. */
export interface Manifest {
  dataset: string;
  writeMode?: WriteMode;
  sourceBucket: string;
  sourceKey: string;
  sourceVersion: string;
  sourceId: string;
  sequencer?: string;
  /** The upload's event time: the version order across keys. */
  ingestedAt?: string;
  executionId: string;
  committedAt: string;
  rowsRead: number;
  rowsCurated: number;
  rowsRejected: number;
  rejectRatio?: number;
  partitions?: CommittedPartition[];
  files: string[];
  /**
   * Files of earlier versions this commit replaced. Cleanup after the commit point deletes them;
   * kept here so a redrive after a crash in cleanup still knows what to delete.
   */
  retired?: string[];
}

/** The version identity the order of commits is decided on. */
export interface VersionOf {
  sourceKey: string;
  sourceId: string;
  sequencer?: string;
  ingestedAt?: string;
}

/**
 * Order of two versions in one manifest scope: positive when `a` is the later. For one key, S3's
 * `sequencer` decides (it grows with every write of that key). Otherwise, and across keys (a
 * `replace` table), the later event time wins, then the greater key, then the greater source id,
 * so every Commit of every racer reaches the same verdict.
 */
export function compareVersions(a: VersionOf, b: VersionOf): number {
  if (a.sourceKey === b.sourceKey && a.sequencer && b.sequencer) {
    const bySequencer = compareSequencers(a.sequencer, b.sequencer);
    if (bySequencer !== 0) return bySequencer;
  }
  return (
    compareText(a.ingestedAt ?? '', b.ingestedAt ?? '') ||
    compareText(a.sourceKey, b.sourceKey) ||
    compareText(a.sourceId, b.sourceId)
  );
}

/**
 * Order of two S3 sequencers of one key: positive when `a` is later. Sequencers are hex strings
 * of varying length; compared as numbers (left-padded).
 */
export function compareSequencers(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  return compareText(a.toUpperCase().padStart(n, '0'), b.toUpperCase().padStart(n, '0'));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A manifest as read, with the ETag its conditional replacement must match. */
export interface ReadManifest {
  manifest: Manifest;
  etag: string;
}

/**
 * Read a manifest and its ETag. The ETag is read first: if the object changes in between, the
 * conditional write on the older ETag fails and the caller re-reads, never the reverse.
 */
export async function readManifest(
  store: ObjectStore,
  bucket: string,
  key: string,
): Promise<ReadManifest | undefined> {
  const info = await store.head(bucket, key);
  if (!info?.etag) return undefined;
  const manifest = await readJson<Manifest>(store, bucket, key);
  return manifest && { manifest, etag: info.etag };
}

/** Write a manifest on condition: over the one read (`ifMatch`), or where none is (`ifNoneMatch`). */
export async function writeManifest(
  store: ObjectStore,
  bucket: string,
  key: string,
  manifest: Manifest,
  condition: WriteCondition,
): Promise<void> {
  await writeJson(store, bucket, key, manifest, condition);
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
  condition?: WriteCondition,
): Promise<void> {
  await store.put(
    bucket,
    key,
    new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n'),
    'application/json',
    condition,
  );
}
