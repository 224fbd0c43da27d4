export { copyToRaw } from './copyToRaw.js';
export { validate, DEFAULT_CHUNK_BYTES } from './validate.js';
export { transformChunk } from './transformChunk.js';
export { commit, ChunkMissingError } from './commit.js';
export { quarantine } from './quarantine.js';
export type * from './types.js';
export type { PipelineDeps, Buckets, StepLogger } from './deps.js';
export { silentLogger } from './deps.js';
export { rawSources, NothingToReprocessError } from './reprocess.js';
