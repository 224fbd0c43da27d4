export {
  comparePartitions,
  partitioner,
  partitionKeyer,
  partitionName,
  partitionOfDays,
  partitionOfKey,
  partitionOfMs,
  partitionSegment,
} from './partitionOf.js';
export type { Partition } from './partitionOf.js';
