export { readCsv } from './readCsv.js';
export type { ReadCsvOptions, CsvBatch } from './readCsv.js';
export { planChunks } from './planChunks.js';
export type { PlanChunksOptions, ChunkPlan, ChunksPlan } from './planChunks.js';
export { decodeUtf8, findInvalidUtf8 } from './utf8.js';
export { RecordScanner } from './RecordScanner.js';
export { EncodingError, HeaderMismatchError } from './errors.js';
