// The data path: contracts, CSV reading, cleaning, validation, partitioning, transform, sinks.
export * from './contract/index.js';
export * from './csv/index.js';
export * from './clean/index.js';
export * from './validate/index.js';
export * from './partition/index.js';
export * from './transform/index.js';
export * from './sinks/index.js';
export * from './errors.js';
export { encodeParquet } from './parquet/index.js';
export type { ParquetField } from './parquet/index.js';
