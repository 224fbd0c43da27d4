import { transform } from '../core/transform/index.js';
import type { ObjectSink } from '../core/ports.js';
import { dialectOf } from '../core/contract/dialect.js';
import { chunkBody } from './chunkBody.js';
import { contractFor } from './contracts.js';
import type { PipelineDeps } from './deps.js';
import { chunkSummaryKey, stagingPrefix } from './keys.js';
import type { ChunkResult, TransformRequest } from './types.js';

/**
 * Transform one chunk: stream its byte range, clean and validate every row, and stage curated and
 * rejected Parquet under `_staging/<source-id>/` with the chunk's summary beside them. Nothing
 * staged is visible to queries until Commit publishes it.
 */
export async function transformChunk(
  req: TransformRequest,
  deps: PipelineDeps,
): Promise<ChunkResult> {
  const { source, chunk } = req;
  const contract = contractFor(deps, source.dataset);
  // UTF-8 whatever the file: decoded from its encoding, or read from Validate's decoded copy.
  const body = await chunkBody(deps.store, source, chunk);
  const prefix = stagingPrefix(source.sourceId, req.executionId);
  const sink: ObjectSink = {
    put: (key, bytes, contentType) =>
      deps.store.put(deps.buckets.curated, prefix + key, bytes, contentType),
  };
  const summary = await transform({
    contract,
    source: {
      bucket: source.sourceBucket,
      key: source.sourceKey,
      version: source.sourceVersion,
      sourceId: source.sourceId,
    },
    body,
    chunk: {
      index: chunk.index,
      firstRowNumber: chunk.firstRowNumber,
      hasHeader: chunk.index === 0 && dialectOf(contract).header,
    },
    sink,
    executionId: req.executionId,
    ingestedAt: new Date(source.ingestedAt),
    ...(deps.memoryBudgetBytes ? { memoryBudgetBytes: deps.memoryBudgetBytes } : {}),
  });
  await deps.store.put(
    deps.buckets.curated,
    chunkSummaryKey(source.sourceId, req.executionId, chunk.index),
    new TextEncoder().encode(JSON.stringify(summary)),
    'application/json',
  );
  deps.logger?.info('transformed chunk', {
    dataset: source.dataset,
    chunk: chunk.index,
    rowsRead: summary.rowsRead,
    rowsRejected: summary.rowsRejected,
  });
  return {
    chunk: chunk.index,
    rowsRead: summary.rowsRead,
    rowsCurated: summary.rowsCurated,
    rowsRejected: summary.rowsRejected,
  };
}
