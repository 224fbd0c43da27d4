/**
 * The SQL of the view that shows a catalog table over its registered partitions only, and there
 * over the files a committed manifest names (where the table says where its manifests are).
 */
import { readFile, stat } from 'node:fs/promises';
import type { GlueColumn, PartitionInput, TableInput } from '../../core/catalog/glueTypes.js';
import { MANIFESTS_PARAMETER } from '../../core/catalog/tableParameters.js';
import { duckTypeOf, quoteIdent, quoteLiteral } from './glueToDuckType.js';
import type { LocationResolver, ResolvedObject } from './localFileResolver.js';

/** A data file of a registered partition: its local path and the partition's values. */
export interface PartitionFile {
  file: string;
  /** The object's `s3://` URI, Athena's `"$path"`. */
  uri: string;
  /** When the object was last written (ISO 8601), Athena's `"$file_modified_time"`; set lazily. */
  modified?: string;
  /** In the order of the table's partition keys, as the catalog holds them. */
  values: string[];
}

/**
 * Parquet data files of the registered partitions of `table` that a committed manifest names,
 * sorted by path, without duplicates. Partition values come from the catalog, not from the path,
 * as Athena takes them from Glue.
 */
export async function registeredFiles(
  table: TableInput,
  partitions: PartitionInput[],
  resolve: LocationResolver,
): Promise<PartitionFile[]> {
  const tableLocation = table.StorageDescriptor?.Location;
  const underTable = tableLocation ? await resolve(tableLocation) : [];
  const committed = await committedUris(table, resolve);
  const files = new Map<string, PartitionFile>();
  for (const partition of partitions) {
    const location = partition.StorageDescriptor?.Location;
    if (!location) continue;
    const prefix = location.endsWith('/') ? location : `${location}/`;
    const candidates: ResolvedObject[] =
      tableLocation && prefix.startsWith(tableLocation) ? underTable : await resolve(prefix);
    for (const object of candidates) {
      if (!object.uri.startsWith(prefix) || !isDataFile(object.uri)) continue;
      if (committed && !committed.has(object.uri)) continue;
      if (!files.has(object.file))
        files.set(object.file, { file: object.file, uri: object.uri, values: partition.Values });
    }
  }
  return [...files.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/**
 * `s3://` URIs of every file the table's manifests name; undefined for a table that keeps no
 * manifests (made before they existed, or by other tools): then every file of a partition counts.
 */
async function committedUris(
  table: TableInput,
  resolve: LocationResolver,
): Promise<Set<string> | undefined> {
  const location = table.Parameters?.[MANIFESTS_PARAMETER];
  const bucket = location && /^s3:\/\/[^/]+\//.exec(location)?.[0];
  if (!location || !bucket) return undefined;
  const uris = new Set<string>();
  for (const object of await resolve(location)) {
    if (!object.uri.endsWith('.json')) continue;
    for (const key of await manifestFiles(object.file)) uris.add(bucket + key);
  }
  return uris;
}

const manifestCache = new Map<string, { version: string; files: string[] }>();

/**
 * The keys one manifest names. Every query re-checks every table, and a table and its rejected
 * table share their manifests: a manifest is read again only when its file changed.
 */
async function manifestFiles(file: string): Promise<string[]> {
  const info = await stat(file);
  const version = `${info.ino}:${info.mtimeMs}:${info.size}`;
  const cached = manifestCache.get(file);
  if (cached?.version === version) return cached.files;
  const manifest = JSON.parse(await readFile(file, 'utf8')) as { files?: string[] };
  if (manifestCache.size > 10_000) manifestCache.clear();
  manifestCache.set(file, { version, files: manifest.files ?? [] });
  return manifest.files ?? [];
}

/** Hive/Spark conventions: names starting with `_` or `.` (markers, manifests) are not data. */
function isDataFile(uri: string): boolean {
  const name = uri.slice(uri.lastIndexOf('/') + 1);
  return !name.startsWith('_') && !name.startsWith('.');
}

/** The pseudo columns of Hive tables in Athena, read through the `$hive` view. */
export const PSEUDO_COLUMNS = ['$path', '$file_modified_time'] as const;

/**
 * The rows of `files`, each with its partition's values as columns named by the partition keys
 * (text; the view casts them to the catalog's types) and the pseudo columns. The values are
 * joined on the file name rather than read from Hive-style paths, so the twin's storage layout
 * does not matter.
 */
export function readParquetSql(files: PartitionFile[], partitionKeys: GlueColumn[]): string {
  const read = `read_parquet([${files.map((f) => quoteLiteral(f.file)).join(', ')}], union_by_name = true, hive_partitioning = false, filename = '_lake_file')`;
  const rows = files.map((f) => {
    const values = [f.file, f.uri, ...partitionKeys.map((_, i) => f.values[i] ?? '')].map(
      quoteLiteral,
    );
    return `(${[...values.slice(0, 2), f.modified ? quoteLiteral(f.modified) : 'NULL', ...values.slice(2)].join(', ')})`;
  });
  const names = ['_lake_file', ...PSEUDO_COLUMNS, ...partitionKeys.map((k) => k.Name)]
    .map(quoteIdent)
    .join(', ');
  return (
    `(SELECT * EXCLUDE ("_lake_file") FROM ${read}` +
    ` JOIN (VALUES ${rows.join(', ')}) AS "_lake_partitions"(${names}) USING ("_lake_file"))`
  );
}

/**
 * The view body: the catalog's columns in order, cast to the catalog's types (NULL where no file
 * has the column yet), then the partition keys, then (for the `$hive` view) the pseudo columns.
 * `fileColumns` are the lower-cased names the files provide; an empty `files` list gives an
 * empty result with the same columns.
 */
export function viewSelectSql(
  table: TableInput,
  files: PartitionFile[],
  fileColumns: Set<string>,
  withPseudoColumns = false,
): string {
  const keys = table.PartitionKeys ?? [];
  const columns = [...(table.StorageDescriptor?.Columns ?? []), ...keys];
  const select = columns.map((c) => {
    const type = duckTypeOf(c.Type);
    const present = files.length > 0 && fileColumns.has(c.Name.toLowerCase());
    if (!present) return `CAST(NULL AS ${type ?? 'VARCHAR'}) AS ${quoteIdent(c.Name)}`;
    return type
      ? `CAST(${quoteIdent(c.Name)} AS ${type}) AS ${quoteIdent(c.Name)}`
      : quoteIdent(c.Name);
  });
  if (withPseudoColumns) {
    const [path, modified] = PSEUDO_COLUMNS.map(quoteIdent);
    select.push(
      files.length ? `CAST(${path} AS VARCHAR) AS ${path}` : `CAST(NULL AS VARCHAR) AS ${path}`,
      `CAST(${files.length ? modified : 'NULL'} AS TIMESTAMP WITH TIME ZONE) AS ${modified}`,
    );
  }
  if (files.length === 0) return `SELECT ${select.join(', ')} WHERE false`;
  return `SELECT ${select.join(', ')} FROM ${readParquetSql(files, keys)}`;
}

/** The `"<table>$partitions"` view: one row per registered partition, typed as the catalog says. */
export function partitionsViewSql(table: TableInput, partitions: PartitionInput[]): string {
  const keys = table.PartitionKeys ?? [];
  if (keys.length === 0) return 'SELECT NULL AS "partition" WHERE false';
  const select = keys.map(
    (k, i) => `CAST("v${i}" AS ${duckTypeOf(k.Type) ?? 'VARCHAR'}) AS ${quoteIdent(k.Name)}`,
  );
  const rows = partitions.map(
    (p) => `(${keys.map((_, i) => quoteLiteral(p.Values[i] ?? '')).join(', ')})`,
  );
  const names = keys.map((_, i) => `"v${i}"`).join(', ');
  if (rows.length === 0)
    return `SELECT ${select.join(', ')} FROM (SELECT ${keys.map((_, i) => `NULL AS "v${i}"`).join(', ')}) WHERE false`;
  return `SELECT ${select.join(', ')} FROM (VALUES ${rows.join(', ')}) AS "_p"(${names}) ORDER BY ALL`;
}
