import { resolveDataset } from '../core/contract/index.js';
import type { PipelineDeps } from './deps.js';
import { rawKeyOf, sourceIdOf, sourceSidecarKey, sourceVersionOf } from './keys.js';
import { writeJson } from './manifest.js';
import { ObjectNotFoundError, PreconditionFailedError } from '../core/storageErrors.js';
import type { ObjectCreated, SourceRef, SupersededUpload } from './types.js';

/**
 * CopyToRaw: find the dataset from the key, then copy the exact version the event names to the
 * raw bucket under a key naming the dataset, the ingest date and the source id. The copy is pinned
 * to that version (its version id, or `x-amz-copy-source-if-match` on its ETag where the bucket
 * keeps no versions): when the key already holds a newer upload, or none, nothing is copied and
 * the result says `superseded`. An unknown dataset raises `UnknownDatasetError` before anything.
 */
export async function copyToRaw(
  event: ObjectCreated,
  deps: PipelineDeps,
): Promise<SourceRef | SupersededUpload> {
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
  const superseded = (reason: string): SupersededUpload => {
    deps.logger?.warn('superseded before it was copied; nothing to do', {
      sourceKey: event.key,
      reason,
    });
    return {
      superseded: true,
      dataset: contract.dataset,
      sourceBucket: event.bucket,
      sourceKey: event.key,
      sourceVersion,
      reason,
    };
  };
  try {
    await deps.store.copy(
      {
        bucket: event.bucket,
        key: event.key,
        ...(versionId ? { versionId } : etag ? { ifMatch: etag } : {}),
      },
      { bucket: deps.buckets.raw, key: rawKey },
    );
  } catch (err) {
    if (err instanceof PreconditionFailedError)
      return superseded(`s3://${event.bucket}/${event.key} no longer has ETag ${etag}`);
    if (err instanceof ObjectNotFoundError)
      return superseded(`s3://${event.bucket}/${event.key} was deleted before it was copied`);
    throw err;
  }
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

/** Whether CopyToRaw found the event's version gone. */
export function isSuperseded(result: SourceRef | SupersededUpload): result is SupersededUpload {
  return 'superseded' in result && result.superseded === true;
}
