import type { CommittedPartition } from './manifest.js';

/**
 * The payloads that pass between the ingest workflow's states. States carry keys and small
 * summaries only, never rows: Step Functions caps each payload at 256 KiB.
 */

/** What CopyToRaw receives: the parts of the EventBridge "Object Created" event it needs. */
export interface ObjectCreated {
  bucket: string;
  key: string;
  size?: number;
  etag?: string;
  versionId?: string;
  sequencer?: string;
  /** The event's `time`: the ingestion time, fixed per upload so that replays write the same keys. */
  eventTime?: string;
}

/** An uploaded file once it is safe in the raw bucket. */
export interface SourceRef {
  dataset: string;
  sourceBucket: string;
  sourceKey: string;
  /** Version id, or the ETag where the bucket keeps no versions. */
  sourceVersion: string;
  /** Deterministic id of (bucket, key, version): output names derive from it. */
  sourceId: string;
  rawBucket: string;
  rawKey: string;
  size: number;
  ingestedAt: string;
  sequencer?: string;
}

/** A byte range of the raw file that starts and ends on record boundaries. */
export interface ChunkPlan {
  index: number;
  start: number;
  end: number;
  /** 1-based number of the chunk's first data record in the file. */
  firstRowNumber: number;
  /** The raw file's single-byte encoding, when not UTF-8 (read in place, decoded per chunk). */
  encoding?: 'latin1' | 'windows-1252';
  /**
   * Where the bytes are when the raw file is compressed or UTF-16: Validate's UTF-8 copy, in raw
   * objects `<prefix>part-NNNNN` of `partBytes` each; `start`/`end` are offsets in that copy.
   */
  decoded?: { prefix: string; partBytes: number };
}

/** What Validate returns: the plan the Map state fans out over. */
export interface ValidateResult {
  chunks: ChunkPlan[];
  bytes: number;
  rows: number;
}

/** One Map iteration's input. */
export interface TransformRequest {
  source: SourceRef;
  chunk: ChunkPlan;
  executionId: string;
}

/** One Map iteration's output; the full chunk summary is staged in S3 for Commit. */
export interface ChunkResult {
  chunk: number;
  rowsRead: number;
  rowsCurated: number;
  rowsRejected: number;
}

/** Commit's input: the source and every chunk's result. */
export interface CommitRequest {
  source: SourceRef;
  chunks: ChunkResult[];
  executionId: string;
}

/** The workflow's final output. */
export interface RunSummary {
  dataset: string;
  sourceKey: string;
  sourceVersion: string;
  sourceId: string;
  executionId: string;
  rowsRead: number;
  rowsCurated: number;
  rowsRejected: number;
  rejectRatio: number;
  partitions: CommittedPartition[];
  files: string[];
  /** Parquet files written, curated and rejected; see `fileStatsOf`. Absent in older outputs. */
  filesWritten?: number;
  /** Curated rows per curated file, rounded. */
  rowsPerFile?: number;
  /** What deserves a look without failing the run (e.g. small files); also logged as WARN. */
  warnings?: string[];
  manifestKey: string;
  /**
   * True when a newer version had already committed in this manifest's scope (the same key, or
   * the whole table for `replace`): this run published nothing.
   */
  superseded: boolean;
}

/**
 * What CopyToRaw returns when the object no longer holds the version the event named (a newer
 * upload replaced it, or it was deleted): that version is not processed, and the execution ends
 * SUCCEEDED with this as its output; the newer version's own execution does the work.
 */
export interface SupersededUpload {
  superseded: true;
  dataset: string;
  sourceBucket: string;
  sourceKey: string;
  sourceVersion: string;
  reason: string;
}

/** Quarantine's input: the original event and the error a Catch caught. */
export interface QuarantineRequest {
  event: {
    time?: string;
    detail?: {
      bucket?: { name?: string };
      object?: { key?: string; etag?: string; 'version-id'?: string };
    };
  };
  error: { Error?: string; Cause?: string };
  executionId: string;
}

/** Where Quarantine put the file and its error report. */
export interface QuarantineResult {
  bucket: string;
  objectKey: string;
  errorKey: string;
  copied: boolean;
}
