/** Key layout of the raw, curated and quarantine buckets (DESIGN.md, Storage layout). */
import { createHash } from 'node:crypto';
import { manifestsPrefix } from '../core/catalog/tableParameters.js';
import type { Contract } from '../core/contract/types.js';

/** A key segment safe for any store and any file system: no separators, no dot-only names. */
export function safeSegment(text: string): string {
  const s = text.replace(/[^A-Za-z0-9._=-]/g, '_');
  return s === '' || /^\.+$/.test(s) ? '_' : s;
}

/** The version that identifies an upload: its version id, or its ETag (unquoted) where the bucket keeps none. */
export function sourceVersionOf(versionId: string | undefined, etag: string | undefined): string {
  return versionId ?? (etag ?? '').replace(/"/g, '');
}

/** Deterministic id of one version of one uploaded object. */
export function sourceIdOf(bucket: string, key: string, version: string): string {
  return createHash('sha256').update(`${bucket}\n${key}\n${version}`).digest('hex').slice(0, 16);
}

/** Deterministic id of an uploaded key, whatever its version: names its manifest. */
export function keyIdOf(bucket: string, key: string): string {
  return createHash('sha256').update(`${bucket}\n${key}`).digest('hex').slice(0, 16);
}

/** `<dataset>/ingest_date=YYYY-MM-DD/<source-id>/<file name>` in the raw bucket. */
export function rawKeyOf(
  dataset: string,
  ingestedAt: string,
  sourceId: string,
  sourceKey: string,
): string {
  const fileName = sourceKey.split('/').pop() ?? 'file';
  return `${dataset}/ingest_date=${ingestedAt.slice(0, 10)}/${sourceId}/${safeSegment(fileName)}`;
}

/**
 * Where one execution's Transform stages a source's files until Commit publishes them. Per
 * execution, so two runs of one version (a replay beside a redrive) never share staged summaries.
 */
export function stagingPrefix(sourceId: string, executionId: string): string {
  const run = createHash('sha256').update(executionId).digest('hex').slice(0, 12);
  return `_staging/${sourceId}/${run}/`;
}

/** The staged summary of one chunk. */
export function chunkSummaryKey(sourceId: string, executionId: string, chunk: number): string {
  return `${stagingPrefix(sourceId, executionId)}_chunks/${String(chunk).padStart(4, '0')}.json`;
}

export { manifestsPrefix };

/** Manifest scope of a `replace` table: one manifest for the whole table, whatever the key. */
const TABLE_SCOPE = '_table';

/**
 * The manifest a commit of an upload writes: one per uploaded key (append, merge), or one for the
 * whole table (replace), so the latest committed file replaces every other.
 */
export function manifestKey(contract: Contract, bucket: string, key: string): string {
  const scope = contract.writeMode === 'replace' ? TABLE_SCOPE : keyIdOf(bucket, key);
  return `${manifestsPrefix(contract.dataset)}${scope}.json`;
}

/** `<dataset or _unknown>/<source key>` in the quarantine bucket. */
export function quarantineKeyOf(dataset: string | undefined, sourceKey: string): string {
  const safe = sourceKey
    .split('/')
    .map((s) => safeSegment(s))
    .join('/');
  return `${dataset ?? '_unknown'}/${safe}`;
}

/** The record of where a raw file came from, beside it in the raw bucket. */
export function sourceSidecarKey(rawKey: string): string {
  return `${rawKey.slice(0, rawKey.lastIndexOf('/') + 1)}${SOURCE_SIDECAR}`;
}

/** File name of the source sidecar. */
export const SOURCE_SIDECAR = '_lake_source.json';
