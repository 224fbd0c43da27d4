/**
 * Guards against a lake of tiny files: a file that scatters over too many partitions is refused
 * (a contract mistake, or a backfill that should say so), and few rows per file earn a warning.
 * Athena, S3 and Glue all charge per object or per partition, not per row.
 */
import type { Contract } from '../contract/types.js';
import { partitioningOf } from '../contract/partitioning.js';
import { PartitionLimitExceededError } from './errors.js';
import { curatedPrefix } from './keys.js';

/** Below this many curated rows per Parquet file on average (over more than one file), a run warns. */
export const SMALL_FILE_ROWS = 1_000;

/**
 * Throws `PartitionLimitExceededError` when `partitions` is above the contract's
 * `partitioning.maxPartitionsPerFile`. `atLeast`: Transform stops counting at the first partition
 * over the limit, so the file has that many or more.
 */
export function checkPartitionLimit(
  contract: Contract,
  partitions: number,
  where: { sourceKey?: string; chunk?: number; atLeast?: boolean } = {},
): void {
  const p = partitioningOf(contract);
  if (partitions <= p.maxPartitionsPerFile) return;
  const by = p.column === undefined ? 'ingestion time' : `column ${p.column}`;
  const count = `${where.atLeast ? 'at least ' : ''}${partitions}`;
  const scope = where.chunk === undefined ? '' : ` (chunk ${where.chunk} alone)`;
  // The field and the numbers come first: summaries cut long causes short.
  throw new PartitionLimitExceededError(
    `${contract.dataset}: partitioning.maxPartitionsPerFile is ${p.maxPartitionsPerFile} and the file spreads over ${count} partitions${scope}, by ${by} at ${p.grain} grain. For a backfill, raise partitioning.maxPartitionsPerFile in the contract; otherwise use a coarser partitioning.grain ("day") or partition by "ingestion" time`,
    {
      dataset: contract.dataset,
      field: 'partitioning.maxPartitionsPerFile',
      partitions,
      maxPartitionsPerFile: p.maxPartitionsPerFile,
      ...(where.sourceKey ? { key: where.sourceKey } : {}),
      ...(where.chunk !== undefined ? { chunk: where.chunk } : {}),
    },
  );
}

/**
 * The small-files warning of a run, or undefined: more than one curated file and fewer than
 * `SMALL_FILE_ROWS` rows in each on average. One small file is just a small upload.
 */
export function smallFileWarning(
  contract: Pick<Contract, 'dataset' | 'partitioning'>,
  curatedFiles: number,
  rowsCurated: number,
): string | undefined {
  if (curatedFiles <= 1) return undefined;
  const perFile = rowsCurated / curatedFiles;
  if (perFile >= SMALL_FILE_ROWS) return undefined;
  const p = partitioningOf(contract);
  const hint =
    p.grain === 'hour'
      ? 'use partitioning.grain "day", or upload fewer, larger files'
      : p.column !== undefined
        ? 'upload fewer, larger files, or partition by "ingestion" time'
        : 'upload fewer, larger files';
  return `${contract.dataset}: ${curatedFiles} curated files of ${Math.round(perFile)} rows on average (fewer than ${SMALL_FILE_ROWS.toLocaleString('en-US')}); small files make queries slower and dearer: ${hint}`;
}

/** What a run's files say about its layout: counts, rows per curated file, and warnings. */
export interface FileStats {
  /** Parquet files written, curated and rejected. */
  filesWritten: number;
  /** Curated Parquet files written. */
  curatedFiles: number;
  /** Curated rows per curated file, rounded (0 when none). */
  rowsPerFile: number;
  warnings: string[];
}

/** The file statistics of a run from the keys it wrote and its curated row count. */
export function fileStatsOf(
  contract: Pick<Contract, 'dataset' | 'partitioning'>,
  files: readonly string[],
  rowsCurated: number,
): FileStats {
  const prefix = curatedPrefix(contract.dataset);
  const curatedFiles = files.filter((f) => f.startsWith(prefix)).length;
  const warning = smallFileWarning(contract, curatedFiles, rowsCurated);
  return {
    filesWritten: files.length,
    curatedFiles,
    rowsPerFile: curatedFiles === 0 ? 0 : Math.round(rowsCurated / curatedFiles),
    warnings: warning ? [warning] : [],
  };
}
