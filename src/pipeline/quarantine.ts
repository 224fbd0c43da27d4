import { resolveDataset } from '../core/contract/index.js';
import { deleteStaging } from './commit.js';
import type { PipelineDeps } from './deps.js';
import { quarantineKeyOf, sourceIdOf, sourceVersionOf, stagingPrefix } from './keys.js';
import { writeJson } from './manifest.js';
import { readableCause } from './errorCause.js';
import type { QuarantineRequest, QuarantineResult } from './types.js';

/**
 * Quarantine: copy the uploaded object and an `error.json` beside it into the quarantine bucket,
 * under the dataset (or `_unknown`), and drop anything the failed run staged. Nothing a user
 * uploads is lost silently: the file and the reason are both kept.
 */
export async function quarantine(
  req: QuarantineRequest,
  deps: PipelineDeps,
): Promise<QuarantineResult> {
  const bucket = req.event.detail?.bucket?.name ?? '';
  const key = req.event.detail?.object?.key ?? '';
  const versionId = req.event.detail?.object?.['version-id'];
  let dataset: string | undefined;
  try {
    dataset = resolveDataset(deps.contracts, key).dataset;
  } catch {
    dataset = undefined;
  }
  const objectKey = quarantineKeyOf(dataset, key);
  const errorKey = `${objectKey}.error.json`;
  let copied = false;
  if (bucket && key && (await deps.store.head(bucket, key))) {
    await deps.store.copy(
      { bucket, key, ...(versionId ? { versionId } : {}) },
      { bucket: deps.buckets.quarantine, key: objectKey },
    );
    copied = true;
  }
  await writeJson(deps.store, deps.buckets.quarantine, errorKey, {
    error: req.error.Error ?? 'Unknown',
    cause: readableCause(req.error.Cause),
    executionId: req.executionId,
    source: {
      bucket,
      key,
      ...(versionId ? { versionId } : {}),
      etag: req.event.detail?.object?.etag,
    },
    dataset: dataset ?? null,
    copied,
    quarantinedAt: new Date().toISOString(),
  });
  const version = sourceVersionOf(versionId, req.event.detail?.object?.etag);
  if (bucket && key) {
    const staging = stagingPrefix(sourceIdOf(bucket, key, version), req.executionId);
    await deleteStaging(deps, staging);
  }
  deps.logger?.warn('quarantined', { sourceKey: key, error: req.error.Error, objectKey });
  return { bucket: deps.buckets.quarantine, objectKey, errorKey, copied };
}
