import { DataError } from '../errors.js';

/** The file's rejected/read ratio is above the contract's `maxRejectRatio`. */
export class RejectRatioExceededError extends DataError {
  override name = 'RejectRatioExceededError';
}

/** A file spreads over more curated partitions than the contract's `partitioning.maxPartitionsPerFile`. */
export class PartitionLimitExceededError extends DataError {
  override name = 'PartitionLimitExceededError';
}
