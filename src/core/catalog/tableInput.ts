/**
 * Glue table and partition inputs built from a dataset contract. Pure: the stacks (deploy time),
 * the Commit handler and the local catalog all build their tables here, so AWS and the twin agree.
 */
import type { ColumnType, Contract, PartitionGrain } from '../contract/types.js';
import { INGESTION_TIME, partitioningOf } from '../contract/partitioning.js';
import { CatalogInputError } from './errors.js';
import { MANIFESTS_PARAMETER, manifestsLocation, WRITE_MODE_PARAMETER } from './tableParameters.js';
import type { GlueColumn, GlueStorageDescriptor, PartitionInput, TableInput } from './glueTypes.js';

/** Hive's Parquet classes, as Athena expects them on a Parquet table. */
export const PARQUET_FORMAT = {
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
} as const;

/** Every partition key a table may have: date, and at hour grain the hour (event or ingest time). */
export const PARTITION_KEYS: readonly GlueColumn[] = [
  { Name: 'date', Type: 'date', Comment: 'partition date, YYYY-MM-DD (UTC)' },
  { Name: 'hour', Type: 'int', Comment: 'partition hour, 0-23 (UTC); HH in the S3 key' },
];

/** The partition keys of a table at `grain`: (date, hour) or (date). */
export function partitionKeysFor(grain: PartitionGrain): GlueColumn[] {
  return PARTITION_KEYS.slice(0, grain === 'hour' ? 2 : 1).map((c) => ({ ...c }));
}

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

/** Table parameter: what places a row in a partition, `ingestion` or a column name. */
export const PARTITION_TIME_PARAMETER = 'lake.partition_time';

/** Table parameter: the partition grain, `hour` or `day`. */
export const PARTITION_GRAIN_PARAMETER = 'lake.partition_grain';

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
 * The partition of `table` for `date` (YYYY-MM-DD) and, when the table has an hour key, `hour`
 * (0-23), stored under `<table location>date=YYYY-MM-DD/hour=HH/` (or `date=YYYY-MM-DD/`).
 * Values are `[date, HH]` (or `[date]`), in the order of the table's partition keys.
 * @example partitionInput(hourTable, '2021-07-01', 9).Values // ['2021-07-01', '09']
 * @example partitionInput(dayTable, '2021-07-01').Values // ['2021-07-01']
 */
export function partitionInput(
  table: TableInput,
  date: string,
  hour?: number | string,
): PartitionInput {
  const sd = table.StorageDescriptor;
  if (!sd?.Location)
    throw new CatalogInputError(`table ${table.Name} has no storage location`, {
      table: table.Name,
    });
  const hasHour = (table.PartitionKeys ?? []).some((k) => k.Name.toLowerCase() === 'hour');
  if (hasHour !== (hour !== undefined)) {
    throw new CatalogInputError(
      hasHour
        ? `table ${table.Name} is partitioned by date and hour: give the hour`
        : `table ${table.Name} is partitioned by date only (day grain): give no hour, got "${String(hour)}"`,
      { table: table.Name },
    );
  }
  const values = partitionValues(date, hour);
  return {
    Values: values,
    StorageDescriptor: {
      ...sd,
      Columns: sd.Columns?.map((c) => ({ ...c })),
      SerdeInfo: sd.SerdeInfo && { ...sd.SerdeInfo, Parameters: { ...sd.SerdeInfo.Parameters } },
      Parameters: { ...sd.Parameters },
      Location: `${withSlash(sd.Location)}${partitionPath(values[0]!, values[1])}`,
    },
  };
}

/** Checked partition values `[YYYY-MM-DD, HH]` for a date and hour, or `[YYYY-MM-DD]` without an hour. */
export function partitionValues(date: string, hour?: number | string): string[] {
  const m = DATE_RE.exec(date);
  const probe = m ? new Date(`${date}T00:00:00Z`) : undefined;
  if (!m || !probe || Number.isNaN(probe.getTime()) || probe.toISOString().slice(0, 10) !== date) {
    throw new CatalogInputError(`partition date must be a real YYYY-MM-DD date, got "${date}"`, {
      date,
    });
  }
  if (hour === undefined) return [date];
  const h = typeof hour === 'number' ? hour : /^\d{1,2}$/.test(hour) ? Number(hour) : NaN;
  if (!Number.isInteger(h) || h < 0 || h > 23) {
    throw new CatalogInputError(`partition hour must be 0-23, got "${String(hour)}"`, {
      hour: String(hour),
    });
  }
  return [date, String(h).padStart(2, '0')];
}

/** The Hive-style key segment of a partition, e.g. `date=2021-07-01/hour=09/` or `date=2021-07-01/`. */
export function partitionPath(date: string, hour?: string): string {
  return hour === undefined ? `date=${date}/` : `date=${date}/hour=${hour}/`;
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
  const partitioning = partitioningOf(contract);
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
      // Recorded so a later contract cannot silently re-lay the table (see `planTableUpdate`).
      // Rejected rows always lie by ingestion time, at the curated table's grain.
      [PARTITION_TIME_PARAMETER]: kind === 'curated' ? partitioning.time : INGESTION_TIME,
      [PARTITION_GRAIN_PARAMETER]: partitioning.grain,
      [WRITE_MODE_PARAMETER]: contract.writeMode ?? 'append',
      ...manifestsParameter(location, contract.dataset),
    },
    PartitionKeys: partitionKeysFor(partitioning.grain),
    StorageDescriptor: storage,
  };
}

/** Where the twin's engine finds the manifests that name the table's committed files. */
function manifestsParameter(location: string, dataset: string): Record<string, string> {
  const manifests = manifestsLocation(location, dataset);
  return manifests ? { [MANIFESTS_PARAMETER]: manifests } : {};
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
