/** Lambda `quarantine` of the ingest workflow: see `src/pipeline/quarantine.ts`. */
import { quarantine } from '../src/pipeline/index.js';
import { lambdaHandler } from '../src/pipeline/lambdaHandler.js';

export const handler = lambdaHandler('quarantine', quarantine);
