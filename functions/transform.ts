/** Lambda `transform` of the ingest workflow: see `src/pipeline/transformChunk.ts`. */
import { transformChunk } from '../src/pipeline/index.js';
import { lambdaHandler } from '../src/pipeline/lambdaHandler.js';

export const handler = lambdaHandler('transform', transformChunk);
