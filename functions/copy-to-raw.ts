/** Lambda `copy-to-raw` of the ingest workflow: see `src/pipeline/copyToRaw.ts`. */
import { copyToRaw } from '../src/pipeline/index.js';
import { lambdaHandler } from '../src/pipeline/lambdaHandler.js';

export const handler = lambdaHandler('copy-to-raw', copyToRaw);
