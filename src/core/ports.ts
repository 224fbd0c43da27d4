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
  /**
   * Create the view (`TableType: VIRTUAL_VIEW`), or replace its definition when it differs:
   * a view holds no data, so a new definition simply wins.
   */
  ensureView(database: string, view: TableInput): Promise<void>;
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

/** Identity and metadata of a stored object. */
export interface ObjectInfo {
  key: string;
  size: number;
  etag?: string;
  versionId?: string;
  lastModified?: Date;
}

/** A byte range of an object: `start` inclusive, `end` exclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * A conditional write, as S3 conditional requests: `ifNoneMatch: '*'` writes only where no object
 * is, `ifMatch` only over the object with that ETag. A failed condition raises
 * `PreconditionFailedError` and writes nothing.
 */
export type WriteCondition = { ifMatch: string } | { ifNoneMatch: '*' };

/**
 * The object storage the pipeline steps need, addressed by bucket and key. S3 implements it in
 * AWS and against the twin's S3 endpoint; `MemoryObjectStore` implements it for fast tests.
 * Implementations raise `ObjectNotFoundError` for a missing object and a `TransientError`
 * subclass for failures a retry can cure.
 */
export interface ObjectStore {
  /** Stream an object's bytes, or a byte range of them. */
  get(bucket: string, key: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array>>;
  /** Metadata of an object, or undefined when it does not exist. */
  head(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  put(
    bucket: string,
    key: string,
    body: Uint8Array,
    contentType?: string,
    condition?: WriteCondition,
  ): Promise<void>;
  /**
   * Server-side copy; `versionId` pins the source version where the store keeps versions, and
   * `ifMatch` (`x-amz-copy-source-if-match`) copies only while the source still has that ETag,
   * else `PreconditionFailedError`. `size`, when the caller knows it from a listing, spares S3 the
   * HeadObject that otherwise chooses between one CopyObject and a part-by-part copy.
   */
  copy(
    from: { bucket: string; key: string; versionId?: string; ifMatch?: string; size?: number },
    to: { bucket: string; key: string },
  ): Promise<void>;
  /** Every key under a prefix, in lexicographic order. */
  list(bucket: string, prefix: string): Promise<ObjectInfo[]>;
  /** Delete keys; missing keys are not an error. */
  delete(bucket: string, keys: string[]): Promise<void>;
}
