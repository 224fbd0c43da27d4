/**
 * The ports the data path talks through. `src/core` knows only these interfaces; the local twin
 * (`src/local`) and the AWS adapters (`src/aws`) implement them.
 */
import type { PartitionInput, TableInput } from './catalog/glueTypes.js';

/** Writes named objects: a local folder, the twin's S3 endpoint and real S3 are all sinks. */
export interface ObjectSink {
  /** Store `body` under `key`, replacing any object already there. */
  put(key: string, body: Uint8Array, contentType?: string): Promise<void>;
}

/** Result of registering partitions: what was new and what was already there. */
export interface RegisterPartitionsResult {
  created: number;
  existing: number;
}

/**
 * A Glue-shaped data catalog (the same TableInput / PartitionInput shapes as the Glue API), so the
 * Glue adapter and the local catalog are interchangeable.
 */
export interface Catalog {
  /** Create the database if it does not exist. */
  ensureDatabase(database: string): Promise<void>;
  /**
   * Create the table, or update it when the new input only adds nullable columns.
   * Refuses incompatible changes with `SchemaConflictError`.
   */
  ensureTable(database: string, table: TableInput): Promise<void>;
  /** Register partitions; partitions that already exist count as done, not as errors. */
  registerPartitions(
    database: string,
    table: string,
    partitions: PartitionInput[],
  ): Promise<RegisterPartitionsResult>;
  getTable(database: string, table: string): Promise<TableInput | undefined>;
  listTables(database: string): Promise<TableInput[]>;
  listPartitions(database: string, table: string): Promise<PartitionInput[]>;
}
