/**
 * Glue table and partition inputs built from a dataset contract. Pure: the stacks (deploy time),
 * the Commit handler and the local catalog all build their tables here, so AWS and the twin agree.
 */
import type { ColumnType, Contract } from '../contract/types.js';
import { CatalogInputError } from './errors.js';
import type { GlueColumn, GlueStorageDescriptor, PartitionInput, TableInput } from './glueTypes.js';

/** Hive's Parquet classes, as Athena expects them on a Parquet table. */
export const PARQUET_FORMAT = {
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
} as const;

/** Partition keys of every table: event (or ingest) date and hour. */
export const PARTITION_KEYS: readonly GlueColumn[] = [
  { Name: 'date', Type: 'date', Comment: 'partition date, YYYY-MM-DD (UTC)' },
  { Name: 'hour', Type: 'int', Comment: 'partition hour, 0-23 (UTC); HH in the S3 key' },
];

/** Audit columns appended to every curated and rejected row, in this order. */
export const AUDIT_COLUMNS: readonly GlueColumn[] = [
  { Name: '_source_key', Type: 'string', Comment: 'ingest object key the row came from' },
  { Name: '_source_version', Type: 'string', Comment: 'source object version id or ETag' },
  { Name: '_row_number', Type: 'bigint', Comment: '1-based record number in the source file' },
  { Name: '_ingested_at', Type: 'timestamp', Comment: 'when the row was processed (UTC)' },
  { Name: '_execution_id', Type: 'string', Comment: 'Step Functions execution that wrote the row' },
];

/** Columns of a rejected table that follow the contract's columns (all strings). */
export const REJECT_REASON_COLUMNS: readonly GlueColumn[] = [
  { Name: '_raw_record', Type: 'string', Comment: 'the source record as read' },
  { Name: '_errors', Type: 'string', Comment: 'JSON array of the reasons the row was rejected' },
  { Name: '_error_codes', Type: 'string', Comment: 'comma-separated reason codes' },
];

/** Table parameter naming the contract columns that may not be null (Glue columns carry no nullability). */
export const REQUIRED_COLUMNS_PARAMETER = 'lake.required_columns';

/** Suffix of the table (and key prefix) holding a dataset's rejected rows. */
export const REJECTED_SUFFIX = '_rejected';

const RESERVED = new Set(
  [...PARTITION_KEYS, ...AUDIT_COLUMNS, ...REJECT_REASON_COLUMNS].map((c) => c.Name),
);
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The Glue (Hive DDL) type of a contract column type; checks decimal precision and scale. */
export function glueType(columnType: ColumnType): string {
  switch (columnType) {
    case 'string':
    case 'int':
    case 'bigint':
    case 'double':
    case 'boolean':
    case 'date':
    case 'timestamp':
      return columnType;
  }
  const m = /^decimal\((\d+),(\d+)\)$/.exec(String(columnType).replace(/\s+/g, ''));
  if (m) {
    const precision = Number(m[1]);
    const scale = Number(m[2]);
    if (precision >= 1 && precision <= 38 && scale <= precision)
      return `decimal(${precision},${scale})`;
  }
  throw new CatalogInputError(
    `unsupported column type "${String(columnType)}": use string, int, bigint, double, boolean, date, timestamp or decimal(p,s) with 1 <= p <= 38 and s <= p`,
    { type: String(columnType) },
  );
}

/** The curated table of a dataset: contract columns with their types, then the audit columns. */
export function curatedTableInput(contract: Contract, location: string): TableInput {
  checkNames(contract);
  const columns = contract.columns.map((c): GlueColumn =>
    withComment({ Name: c.name, Type: glueType(c.type) }, c.description),
  );
  return tableInput(
    contract,
    contract.dataset,
    location,
    [...columns, ...AUDIT_COLUMNS],
    'curated',
  );
}

/** The rejected-rows table of a dataset: every contract column as string, the reasons, then the audit columns. */
export function rejectedTableInput(contract: Contract, location: string): TableInput {
  checkNames(contract);
  const columns = contract.columns.map((c): GlueColumn =>
    withComment({ Name: c.name, Type: 'string' }, c.description),
  );
  return tableInput(
    contract,
    `${contract.dataset}${REJECTED_SUFFIX}`,
    location,
    [...columns, ...REJECT_REASON_COLUMNS, ...AUDIT_COLUMNS],
    'rejected',
  );
}

/**
 * The partition of `table` for `date` (YYYY-MM-DD) and `hour` (0-23), stored under
 * `<table location>date=YYYY-MM-DD/hour=HH/`. Values are `[date, HH]`.
 * @example partitionInput(table, '2021-07-01', 9).Values // ['2021-07-01', '09']
 */
export function partitionInput(
  table: TableInput,
  date: string,
  hour: number | string,
): PartitionInput {
  const sd = table.StorageDescriptor;
  if (!sd?.Location)
    throw new CatalogInputError(`table ${table.Name} has no storage location`, {
      table: table.Name,
    });
  const values = partitionValues(date, hour);
  return {
    Values: values,
    StorageDescriptor: {
      ...sd,
      Columns: sd.Columns?.map((c) => ({ ...c })),
      SerdeInfo: sd.SerdeInfo && { ...sd.SerdeInfo, Parameters: { ...sd.SerdeInfo.Parameters } },
      Parameters: { ...sd.Parameters },
      Location: `${withSlash(sd.Location)}${partitionPath(values[0]!, values[1]!)}`,
    },
  };
}

/** Checked partition values `[YYYY-MM-DD, HH]` for a date and hour. */
export function partitionValues(date: string, hour: number | string): [string, string] {
  const m = DATE_RE.exec(date);
  const probe = m ? new Date(`${date}T00:00:00Z`) : undefined;
  if (!m || !probe || Number.isNaN(probe.getTime()) || probe.toISOString().slice(0, 10) !== date) {
    throw new CatalogInputError(`partition date must be a real YYYY-MM-DD date, got "${date}"`, {
      date,
    });
  }
  const h = typeof hour === 'number' ? hour : /^\d{1,2}$/.test(hour) ? Number(hour) : NaN;
  if (!Number.isInteger(h) || h < 0 || h > 23) {
    throw new CatalogInputError(`partition hour must be 0-23, got "${String(hour)}"`, {
      hour: String(hour),
    });
  }
  return [date, String(h).padStart(2, '0')];
}

/** The Hive-style key segment of a partition, e.g. `date=2021-07-01/hour=09/`. */
export function partitionPath(date: string, hour: string): string {
  return `date=${date}/hour=${hour}/`;
}

function tableInput(
  contract: Contract,
  name: string,
  location: string,
  columns: GlueColumn[],
  kind: 'curated' | 'rejected',
): TableInput {
  if (!/^s3:\/\/[^/]+\//.test(withSlash(location))) {
    throw new CatalogInputError(`table location must be an s3:// URI, got "${location}"`, {
      dataset: contract.dataset,
    });
  }
  const required = contract.columns.filter((c) => c.nullable === false).map((c) => c.name);
  const storage: GlueStorageDescriptor = {
    Columns: columns.map((c) => ({ ...c })),
    Location: withSlash(location),
    InputFormat: PARQUET_FORMAT.InputFormat,
    OutputFormat: PARQUET_FORMAT.OutputFormat,
    Compressed: false,
    SerdeInfo: {
      SerializationLibrary: PARQUET_FORMAT.SerializationLibrary,
      Parameters: { 'serialization.format': '1' },
    },
    Parameters: {},
  };
  const description =
    kind === 'curated'
      ? contract.description
      : `Rows of ${contract.dataset} rejected by its contract, with reasons`;
  return {
    Name: name,
    ...(description ? { Description: description } : {}),
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      EXTERNAL: 'TRUE',
      classification: 'parquet',
      'lake.dataset': contract.dataset,
      'lake.kind': kind,
      // Rejected rows keep every field as text, so nothing there is required.
      [REQUIRED_COLUMNS_PARAMETER]: kind === 'curated' ? required.join(',') : '',
    },
    PartitionKeys: PARTITION_KEYS.map((c) => ({ ...c })),
    StorageDescriptor: storage,
  };
}

function checkNames(contract: Contract): void {
  if (!/^[a-z][a-z0-9_]*$/.test(contract.dataset)) {
    throw new CatalogInputError(
      `dataset name must be lower-case letters, digits and _, got "${contract.dataset}"`,
      { dataset: contract.dataset },
    );
  }
  const seen = new Set<string>();
  for (const c of contract.columns) {
    // Glue and Athena fold names to lower case, so `Id` and `id` would collide.
    const lower = c.name.toLowerCase();
    if (RESERVED.has(lower)) {
      throw new CatalogInputError(
        `column "${c.name}" clashes with a partition key or audit column`,
        { dataset: contract.dataset, column: c.name },
      );
    }
    if (seen.has(lower))
      throw new CatalogInputError(`column "${c.name}" appears twice (names are case-insensitive)`, {
        dataset: contract.dataset,
        column: c.name,
      });
    seen.add(lower);
  }
}

function withComment(column: GlueColumn, comment: string | undefined): GlueColumn {
  return comment ? { ...column, Comment: comment.slice(0, 255) } : column;
}

function withSlash(location: string): string {
  return location.endsWith('/') ? location : `${location}/`;
}
