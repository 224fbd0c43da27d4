/** What one engine run reports back to the benchmark parent. */
export interface EngineResult {
  ms: number;
  /** CPU time (user + system, all threads) of the job: steadier than wall time on a loaded machine. */
  cpuMs?: number;
  rowsRead: number;
  rowsCurated: number;
  rowsRejected: number;
  partitions: number;
  files?: number;
  peakRssMb?: number;
}
