export {
  hourPartitioner,
  partitioner,
  partitionOfDays,
  partitionOfHour,
  partitionOfMs,
} from './partitionOf.js';
export type { Partition } from './partitionOf.js';
