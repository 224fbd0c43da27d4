import { contractFor } from './contracts.js';
import { planChunks } from '../core/csv/index.js';
import { dialectOf } from '../core/contract/dialect.js';
import type { PipelineDeps } from './deps.js';
import type { SourceRef, ValidateResult } from './types.js';

/** Default chunk size: a Lambda transforms 64 MiB of CSV well within its 15 minutes. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024;

/**
 * Validate: file-level checks (UTF-8, header against the contract) in one streaming pass that
 * also plans the chunks, cut only at record boundaries so a quoted newline never splits a row.
 * Raises `EncodingError` or `HeaderMismatchError` (terminal) for a file that cannot be read.
 */
export async function validate(source: SourceRef, deps: PipelineDeps): Promise<ValidateResult> {
  const contract = contractFor(deps, source.dataset);
  const body = await deps.store.get(source.rawBucket, source.rawKey);
  const plan = await planChunks(body, {
    contract,
    dialect: dialectOf(contract),
    targetBytes: deps.chunkBytes ?? DEFAULT_CHUNK_BYTES,
  });
  deps.logger?.info('validated', { dataset: source.dataset, rawKey: source.rawKey, chunks: plan.chunks.length, rows: plan.rows });
  return { chunks: plan.chunks, bytes: plan.bytes, rows: plan.rows };
}
