export { transform, DEFAULT_MEMORY_BUDGET_BYTES } from './transform.js';
export { summarizeRun } from './summarizeRun.js';
export type { TransformInput, ChunkSummary, RunSummary, PartitionCount } from './types.js';
export { curatedKey, rejectedKey, curatedPrefix, rejectedPrefix, assertSourceId } from './keys.js';
export { curatedFields, rejectedFields, AUDIT_FIELDS } from './fields.js';
export { RejectRatioExceededError } from './errors.js';
