/** The twin's Athena: DuckDB over the catalog's registered partitions. */
export { QueryEngine } from './QueryEngine.js';
export type { QueryColumn, QueryEngineOptions, QueryResult } from './QueryEngine.js';
export { QueryError } from './errors.js';
export { s3rverFileResolver } from './localFileResolver.js';
export type { LocationResolver, ResolvedObject } from './localFileResolver.js';
export { ATHENA_MACROS, ATHENA_SETTINGS, translateAthenaSql } from './athenaDialect.js';
export { toJsonValue } from './jsonValues.js';
export { registeredFiles } from './tableView.js';
