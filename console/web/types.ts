/** Shapes the API answers with (see console/server). */

export interface ExecutionRow {
  name: string;
  executionArn: string;
  status: string;
  startDate: string;
  stopDate: string | null;
  durationMs: number | null;
  file: string;
  dataset: string | null;
  rowsRead: number | null;
  rowsCurated: number | null;
  rowsRejected: number | null;
  superseded: boolean;
  error: string | null;
  cause: string | null;
  redriveCount: number;
  redrivable: boolean;
}

export interface StateRun {
  name: string;
  status: string;
  entered: number;
  retries: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  iterations?: { started: number; succeeded: number; failed: number };
  chunks?: { index: number; status: string; executionArn?: string }[];
  mapRunArn?: string;
}

export interface HistoryEvent {
  id: number;
  type: string;
  timestamp: string;
  [details: string]: unknown;
}

export interface ExecutionDetail {
  row: ExecutionRow;
  input: string;
  output: string | null;
  events: HistoryEvent[];
  states: StateRun[];
}

export interface TableListing {
  name: string;
  type: 'table' | 'view';
  partitions: number;
  files: number;
  rows: number;
  firstPartition: string | null;
  lastPartition: string | null;
}

export interface QueryAnswer {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  ms?: number;
}

export interface TableDetail {
  name: string;
  type: 'table' | 'view';
  description: string | null;
  location: string | null;
  writeMode: string | null;
  columns: { name: string; type: string; comment: string | null }[];
  partitionKeys: { name: string; type: string }[];
  partitions: {
    values: string[];
    location: string | null;
    files: { key: string; size: number }[];
  }[];
  partitionCount: number;
  rows: number;
  preview: QueryAnswer;
  rejectReasons: QueryAnswer | null;
  viewSql: string | null;
}

export interface QuarantinedFile {
  key: string;
  size: number;
  lastModified: string | null;
  report: Record<string, unknown> | null;
}

export interface ConsoleInfo {
  database: string;
  buckets: { ingest: string; raw: string; curated: string; quarantine: string };
  definition: unknown;
}
