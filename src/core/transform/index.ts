export { transform, DEFAULT_MEMORY_BUDGET_BYTES } from './transform.js';
export { summarizeRun } from './summarizeRun.js';
export type { TransformInput, ChunkSummary, RunSummary, PartitionCount } from './types.js';
export { curatedKey, rejectedKey, curatedPrefix, rejectedPrefix, assertSourceId } from './keys.js';
export { curatedFields, rejectedFields, AUDIT_FIELDS } from './fields.js';
export { RejectRatioExceededError } from './errors.js';
export { PartitionLimitExceededError } from './errors.js';
export {
  checkPartitionLimit,
  fileStatsOf,
  smallFileWarning,
  SMALL_FILE_ROWS,
} from './fileLayoutChecks.js';
export type { FileStats } from './fileLayoutChecks.js';
