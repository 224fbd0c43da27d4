import { TerminalError } from '../core/errors.js';
import type { PipelineDeps } from './deps.js';
import { SOURCE_SIDECAR, sourceSidecarKey } from './keys.js';
import { readJson } from './manifest.js';
import type { SourceRef } from './types.js';

/** Nothing stored in the raw bucket matches what `lake reprocess` was asked for. */
export class NothingToReprocessError extends TerminalError {
  override name = 'NothingToReprocessError';
}

/**
 * The stored raw files to run again through the current contract: every raw file of a dataset,
 * or the one raw key given. Each comes back as the `SourceRef` CopyToRaw made for it, so the rerun
 * writes the same keys and replaces what the earlier run produced.
 * @example for (const source of await rawSources(deps, 'users')) await sfn.start({ source });
 */
export async function rawSources(
  deps: Pick<PipelineDeps, 'store' | 'contracts' | 'buckets'>,
  target: string,
): Promise<SourceRef[]> {
  const bucket = deps.buckets.raw;
  const isDataset = deps.contracts.some((c) => c.dataset === target);
  const sidecars = isDataset
    ? (await deps.store.list(bucket, `${target}/`))
        .map((o) => o.key)
        .filter((k) => k.endsWith(`/${SOURCE_SIDECAR}`))
    : [sourceSidecarKey(target)];
  const sources: SourceRef[] = [];
  for (const key of sidecars) {
    const source = await readJson<SourceRef>(deps.store, bucket, key);
    if (source) sources.push(source);
  }
  if (sources.length === 0) {
    throw new NothingToReprocessError(
      isDataset
        ? `no raw files of dataset "${target}" in ${bucket}`
        : `"${target}" is neither a dataset nor a raw key in ${bucket}`,
      { bucket, key: target },
    );
  }
  return sources;
}
