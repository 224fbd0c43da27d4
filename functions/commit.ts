/** Lambda `commit` of the ingest workflow: see `src/pipeline/commit.ts`. */
import { commit } from '../src/pipeline/index.js';
import { lambdaHandler } from '../src/pipeline/lambdaHandler.js';

export const handler = lambdaHandler('commit', commit);
