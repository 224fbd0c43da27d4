export { partitioner, partitionOfMs, partitionOfDays } from './partitionOf.js';
export type { Partition } from './partitionOf.js';
