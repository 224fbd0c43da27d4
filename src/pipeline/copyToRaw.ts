import { resolveDataset } from '../core/contract/index.js';
import type { PipelineDeps } from './deps.js';
import { rawKeyOf, sourceIdOf, sourceSidecarKey, sourceVersionOf } from './keys.js';
import { writeJson } from './manifest.js';
import type { ObjectCreated, SourceRef } from './types.js';

/**
 * CopyToRaw: find the dataset from the key, then copy the exact uploaded version to the raw
 * bucket under a key naming the dataset, the ingest date and the source id. An unknown dataset
 * raises `UnknownDatasetError` before anything is copied.
 */
export async function copyToRaw(event: ObjectCreated, deps: PipelineDeps): Promise<SourceRef> {
  const contract = resolveDataset(deps.contracts, event.key);
  let { size, etag, versionId } = event;
  if (size === undefined || (etag === undefined && versionId === undefined)) {
    const info = await deps.store.head(event.bucket, event.key);
    size ??= info?.size;
    etag ??= info?.etag;
    versionId ??= info?.versionId;
  }
  const sourceVersion = sourceVersionOf(versionId, etag);
  const sourceId = sourceIdOf(event.bucket, event.key, sourceVersion);
  const ingestedAt = new Date(event.eventTime ?? Date.now()).toISOString();
  const rawKey = rawKeyOf(contract.dataset, ingestedAt, sourceId, event.key);
  await deps.store.copy(
    { bucket: event.bucket, key: event.key, ...(versionId ? { versionId } : {}) },
    { bucket: deps.buckets.raw, key: rawKey },
  );
  const source: SourceRef = {
    dataset: contract.dataset,
    sourceBucket: event.bucket,
    sourceKey: event.key,
    sourceVersion,
    sourceId,
    rawBucket: deps.buckets.raw,
    rawKey,
    size: size ?? 0,
    ingestedAt,
    ...(event.sequencer ? { sequencer: event.sequencer } : {}),
  };
  // Beside the raw file, where it came from: `lake reprocess` replays raw files from this.
  await writeJson(deps.store, deps.buckets.raw, sourceSidecarKey(rawKey), source);
  deps.logger?.info('copied to raw', { dataset: contract.dataset, sourceKey: event.key, rawKey });
  return source;
}
