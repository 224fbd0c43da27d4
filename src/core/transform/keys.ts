import { partitionSegment, type Partition } from '../partition/partitionOf.js';

const SAFE_ID = /^[A-Za-z0-9_=-][A-Za-z0-9._=-]*$/;

/** Throws unless a source id is safe inside a file name (no slashes, no `..`). */
export function assertSourceId(sourceId: string): void {
  if (!SAFE_ID.test(sourceId) || sourceId.includes('..')) {
    throw new Error(`unsafe source id ${JSON.stringify(sourceId)}: use [A-Za-z0-9._=-]`);
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Prefix of every curated object of a dataset: `<dataset>/`. */
export function curatedPrefix(dataset: string): string {
  return `${dataset}/`;
}

/** Prefix of every rejected-rows object of a dataset: `<dataset>_rejected/`. */
export function rejectedPrefix(dataset: string): string {
  return `${dataset}_rejected/`;
}

/** `<dataset>/date=YYYY-MM-DD/hour=HH/part-<sourceId>-<chunk 4>-<seq 3>.parquet` (no `hour=` at day grain). */
export function curatedKey(
  dataset: string,
  partition: Partition,
  sourceId: string,
  chunk: number,
  seq: number,
): string {
  assertSourceId(sourceId);
  return `${curatedPrefix(dataset)}${partitionSegment(partition)}part-${sourceId}-${pad(chunk, 4)}-${pad(seq, 3)}.parquet`;
}

/** `<dataset>_rejected/date=<ingest date>/hour=<ingest hour>/part-<sourceId>-<chunk 4>-<seq 3>.parquet` (no `hour=` at day grain). */
export function rejectedKey(
  dataset: string,
  partition: Partition,
  sourceId: string,
  chunk: number,
  seq: number,
): string {
  assertSourceId(sourceId);
  return `${rejectedPrefix(dataset)}${partitionSegment(partition)}part-${sourceId}-${pad(chunk, 4)}-${pad(seq, 3)}.parquet`;
}
