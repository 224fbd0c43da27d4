import type { Contract } from '../contract/types.js';
import { partitionName } from '../partition/partitionOf.js';
import { RejectRatioExceededError } from './errors.js';
import { checkPartitionLimit, fileStatsOf } from './fileLayoutChecks.js';
import type { ChunkSummary, PartitionCount, RunSummary } from './types.js';

/**
 * Add up the chunk summaries of one file. Throws `RejectRatioExceededError` when the rejected/read
 * ratio is above the contract's `maxRejectRatio` (default 1: never), and
 * `PartitionLimitExceededError` when the chunks together reach more curated partitions than
 * `partitioning.maxPartitionsPerFile`. Few rows per file give a warning in the summary.
 */
export function summarizeRun(contract: Contract, chunks: ChunkSummary[]): RunSummary {
  let rowsRead = 0;
  let rowsCurated = 0;
  let rowsRejected = 0;
  const partitions = new Map<string, PartitionCount>();
  const rejectedPartitions = new Map<string, PartitionCount>();
  const files: string[] = [];
  const add = (into: Map<string, PartitionCount>, p: PartitionCount): void => {
    const name = partitionName(p);
    const have = into.get(name);
    if (have) have.rows += p.rows;
    else into.set(name, { ...p });
  };
  for (const c of chunks) {
    rowsRead += c.rowsRead;
    rowsCurated += c.rowsCurated;
    rowsRejected += c.rowsRejected;
    c.partitions.forEach((p) => add(partitions, p));
    c.rejectedPartitions.forEach((p) => add(rejectedPartitions, p));
    files.push(...c.files);
  }
  const sorted = (m: Map<string, PartitionCount>) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
  files.sort();
  const summary: RunSummary = {
    dataset: contract.dataset,
    sourceId: chunks[0]?.sourceId ?? '',
    chunks: chunks.length,
    rowsRead,
    rowsCurated,
    rowsRejected,
    rejectRatio: rowsRead === 0 ? 0 : rowsRejected / rowsRead,
    partitions: sorted(partitions),
    rejectedPartitions: sorted(rejectedPartitions),
    files,
    ...fileStatsOf(contract, files, rowsCurated),
  };
  const max = contract.maxRejectRatio ?? 1;
  if (summary.rejectRatio > max) {
    throw new RejectRatioExceededError(
      `${contract.dataset}: ${rowsRejected} of ${rowsRead} rows rejected (${(summary.rejectRatio * 100).toFixed(1)}%), above the limit of ${(max * 100).toFixed(1)}%`,
      { dataset: contract.dataset, rejectRatio: summary.rejectRatio, maxRejectRatio: max, summary },
    );
  }
  checkPartitionLimit(contract, summary.partitions.length);
  return summary;
}
