import type { Contract } from '../contract/types.js';
import type { ObjectSink } from '../ports.js';
import type { FileStats } from './fileLayoutChecks.js';

/** Everything `transform` needs for one file, or one chunk of it. */
export interface TransformInput {
  contract: Contract;
  source: { bucket?: string; key: string; version: string; sourceId: string };
  /** The whole file, or one chunk's bytes (from `planChunks`). */
  body: AsyncIterable<Uint8Array>;
  /** Default `{ index: 0, firstRowNumber: 1, hasHeader: <contract header> }`. */
  chunk?: { index: number; firstRowNumber: number; hasHeader: boolean };
  sink: ObjectSink;
  executionId: string;
  /** Deterministic per source (the upload time), so a replay writes the same keys. */
  ingestedAt: Date;
  /** Estimated bytes of buffered rows before the largest partition is written out. Default 64 MiB. */
  memoryBudgetBytes?: number;
}

/** Rows of one partition. */
export interface PartitionCount {
  date: string;
  /** `HH`; absent at day grain. */
  hour?: string;
  rows: number;
}

/** What one chunk produced. */
export interface ChunkSummary {
  dataset: string;
  sourceId: string;
  chunk: number;
  rowsRead: number;
  rowsCurated: number;
  rowsRejected: number;
  partitions: PartitionCount[];
  rejectedPartitions: PartitionCount[];
  /** Keys written, sorted. */
  files: string[];
}

/** What a whole file produced: the chunks added up, with its file statistics (`FileStats`). */
export interface RunSummary extends FileStats {
  dataset: string;
  sourceId: string;
  chunks: number;
  rowsRead: number;
  rowsCurated: number;
  rowsRejected: number;
  /** rowsRejected / rowsRead (0 for an empty file). */
  rejectRatio: number;
  partitions: PartitionCount[];
  rejectedPartitions: PartitionCount[];
  files: string[];
}

/** Re-exported so callers need one import. */
export type { Contract };
