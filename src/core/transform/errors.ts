import { DataError } from '../errors.js';

/** The file's rejected/read ratio is above the contract's `maxRejectRatio`. */
export class RejectRatioExceededError extends DataError {
  override name = 'RejectRatioExceededError';
}
