export type {
  ColumnType,
  ColumnSpec,
  RowRule,
  CsvDialect,
  Contract,
  PartitionGrain,
  PartitioningSpec,
} from './types.js';
export { partitioningOf, INGESTION_TIME, DEFAULT_MAX_PARTITIONS_PER_FILE } from './partitioning.js';
export type { Partitioning } from './partitioning.js';
export { ContractError, UnknownDatasetError } from './errors.js';
export { parseContract } from './parseContract.js';
export { loadContract, loadContracts } from './loadContract.js';
export { resolveDataset } from './resolveDataset.js';
export { matchGlob, globToRegExp } from './glob.js';
export { dialectOf, DEFAULT_NULL_MARKERS } from './dialect.js';
export type { ResolvedDialect } from './dialect.js';
