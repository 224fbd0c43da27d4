/** The effective partitioning of a contract: its `partitioning` object with the defaults filled in. */
import type { Contract, PartitionGrain } from './types.js';

/** The `partitioning.time` value that means the upload's time rather than a column. */
export const INGESTION_TIME = 'ingestion';

/**
 * Default `partitioning.maxPartitionsPerFile`. 100 is the most partitions one Athena query may
 * write (CTAS / INSERT INTO) and one Glue BatchCreatePartition call may register; at hour grain it
 * spans four days of event time, at day grain three months. A backfill raises it.
 */
export const DEFAULT_MAX_PARTITIONS_PER_FILE = 100;

/** A contract's partitioning with every field decided. */
export interface Partitioning {
  /** `"ingestion"`, or the date/timestamp column whose value places the row. */
  time: string;
  /** The column `time` names, undefined for ingestion time. */
  column?: string;
  grain: PartitionGrain;
  maxPartitionsPerFile: number;
}

/** The partitioning a contract asks for: ingestion time at hour grain unless it says otherwise. */
export function partitioningOf(contract: Pick<Contract, 'partitioning'>): Partitioning {
  const spec = contract.partitioning ?? {};
  const time = spec.time ?? INGESTION_TIME;
  return {
    time,
    ...(time === INGESTION_TIME ? {} : { column: time }),
    grain: spec.grain ?? 'hour',
    maxPartitionsPerFile: spec.maxPartitionsPerFile ?? DEFAULT_MAX_PARTITIONS_PER_FILE,
  };
}
