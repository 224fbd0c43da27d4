/**
 * The dataset contract: one declarative JSON file per dataset in `schemas/`. It is the single
 * source for validation, the Parquet schema, the Glue table and the docs.
 */

/** Column types, named as Athena/Glue name them. `decimal(p,s)` carries precision and scale. */
export type ColumnType =
  | 'string'
  | 'int'
  | 'bigint'
  | 'double'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | `decimal(${number},${number})`;

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  description?: string;
  /** Default true. A null (empty or a null marker) in a non-nullable column rejects the row. */
  nullable?: boolean;
  /** Accepted input formats for date and timestamp columns (date-fns patterns or `iso8601`). */
  formats?: string[];
  /** Named format check, e.g. `email`. */
  format?: 'email';
  /** A regular expression the (trimmed) text must match. */
  pattern?: string;
  min?: number | string;
  max?: number | string;
  enum?: string[];
  minLength?: number;
  maxLength?: number;
}

/** A comparison across two columns of one row; rows where either side is null pass. */
export interface RowRule {
  name: string;
  column: string;
  op: '<' | '<=' | '=' | '!=' | '>=' | '>';
  otherColumn: string;
  message?: string;
}

export interface CsvDialect {
  /** Default `,`. */
  delimiter?: string;
  /** Default `"`. */
  quote?: string;
  /** Default true: the first record is a header and must match the column names. */
  header?: boolean;
  /**
   * Default `utf-8`. Also `latin1` (ISO-8859-1), `windows-1252`, `utf-16` (byte order from the
   * BOM), `utf-16le`, `utf-16be`. A byte-order mark in the file wins over the declaration.
   */
  encoding?: 'utf-8' | 'latin1' | 'windows-1252' | 'utf-16' | 'utf-16le' | 'utf-16be';
  /** Values that mean null after trimming. Default `["", "NULL", "null", "\\N"]`. */
  nullMarkers?: string[];
}

/**
 * How each committed file changes the table (dlt's write dispositions). In every mode a new version
 * of the same uploaded key replaces that key's rows.
 * - `append`: every file adds its rows.
 * - `replace`: the latest committed file is the whole table (reference data).
 * - `merge`: the table keeps every version of every primary key (the history);
 *   `<dataset>_current` shows the latest version of each key.
 */
export type WriteMode = 'append' | 'replace' | 'merge';

/** Partition granularity: `hour` gives `date=…/hour=…/`, `day` gives `date=…/`. */
export type PartitionGrain = 'hour' | 'day';

/** The contract's `partitioning` object, as written (every field optional). */
export interface PartitioningSpec {
  /** `"ingestion"` (the upload's time) or a date/timestamp column (event or business time). */
  time?: string;
  grain?: PartitionGrain;
  /** A file spreading over more curated partitions than this fails with `PartitionLimitExceededError`. */
  maxPartitionsPerFile?: number;
}

export interface Contract {
  /** Lower-case identifier: table name and key prefix. */
  dataset: string;
  description?: string;
  /** Glob patterns matched against the uploaded object's file name (last key segment). */
  files: string[];
  csv?: CsvDialect;
  columns: ColumnSpec[];
  rules?: RowRule[];
  primaryKey?: string[];
  /** How rows are laid out in partitions; see `partitioningOf` for the defaults. */
  partitioning?: PartitioningSpec;
  /** Default `append`. `merge` needs a primary key. */
  writeMode?: WriteMode;
  /**
   * `merge` only: a boolean column; a key whose latest version has it true is absent from
   * `<dataset>_current` (the history keeps it).
   */
  deleteMarker?: string;
  /** A file whose rejected/read ratio exceeds this fails with `RejectRatioExceededError`. Default 1. */
  maxRejectRatio?: number;
}
