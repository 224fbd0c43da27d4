/** What one engine run reports back to the benchmark parent. */
export interface EngineResult {
  ms: number;
  rowsRead: number;
  rowsCurated: number;
  rowsRejected: number;
  partitions: number;
  files?: number;
  peakRssMb?: number;
}
