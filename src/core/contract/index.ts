export type { ColumnType, ColumnSpec, RowRule, CsvDialect, Contract } from './types.js';
export { ContractError, UnknownDatasetError } from './errors.js';
export { parseContract } from './parseContract.js';
export { loadContract, loadContracts } from './loadContract.js';
export { resolveDataset } from './resolveDataset.js';
export { matchGlob, globToRegExp } from './glob.js';
export { dialectOf, DEFAULT_NULL_MARKERS } from './dialect.js';
export type { ResolvedDialect } from './dialect.js';
