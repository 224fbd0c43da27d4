/** Lambda `validate` of the ingest workflow: see `src/pipeline/validate.ts`. */
import { validate } from '../src/pipeline/index.js';
import { lambdaHandler } from '../src/pipeline/lambdaHandler.js';

export const handler = lambdaHandler('validate', validate);
