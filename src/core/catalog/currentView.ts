/**
 * `<dataset>_current`: the latest version of each primary key of a `merge` table, as one SQL
 * definition that DuckDB (the twin) and Athena (Trino) both run. It is stored in the catalog the
 * way Athena stores its own views in Glue (`VIRTUAL_VIEW`, a base64 "Presto View" document), so
 * `SHOW TABLES`, the Glue console and `lake tables` list it beside the tables.
 */
import type { Contract } from '../contract/types.js';
import { CatalogInputError } from './errors.js';
import type { GlueColumn, TableInput } from './glueTypes.js';

/** Suffix of a merge table's current view. */
export const CURRENT_SUFFIX = '_current';

/** Table parameter naming the table a view reads (for listings and the console). */
export const VIEW_OF_PARAMETER = 'lake.view_of';

const PRESTO_PREFIX = '/* Presto View: ';
const PRESTO_SUFFIX = ' */';

/** Double-quoted SQL identifier, the same in Trino and DuckDB. */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The view's SQL over `table` (the curated table as catalogued, so columns added by schema
 * evolution appear). Latest first: the greater `_ingested_at`, then the greater `_source_key`;
 * within one file the first occurrence (the smaller `_row_number`) wins, as the within-file
 * duplicate rule keeps the first clean occurrence. A delete marker that is true in the latest
 * version removes the key.
 */
export function currentViewSql(contract: Contract, database: string, table: TableInput): string {
  const key = contract.primaryKey ?? [];
  if (contract.writeMode !== 'merge' || key.length === 0)
    throw new CatalogInputError(
      `${contract.dataset}: only a merge table with a primary key has a current view`,
      { dataset: contract.dataset },
    );
  const columns = viewColumns(table).map((c) => ident(c.Name));
  const marker = contract.deleteMarker
    ? ` AND NOT coalesce(${ident(contract.deleteMarker)}, false)`
    : '';
  return [
    `SELECT ${columns.join(', ')}`,
    'FROM (',
    `  SELECT *, row_number() OVER (`,
    `    PARTITION BY ${key.map(ident).join(', ')}`,
    `    ORDER BY "_ingested_at" DESC, "_source_key" DESC, "_row_number" ASC`,
    `  ) AS "_version_rank"`,
    `  FROM ${ident(database)}.${ident(table.Name)}`,
    ') AS "versions"',
    `WHERE "_version_rank" = 1${marker}`,
  ].join('\n');
}

/** Columns of a table as a query sees them: its columns, then its partition keys. */
function viewColumns(table: TableInput): GlueColumn[] {
  return [...(table.StorageDescriptor?.Columns ?? []), ...(table.PartitionKeys ?? [])];
}

/** The catalog entry of the current view, in the shape Athena gives its views in Glue. */
export function currentViewInput(
  contract: Contract,
  database: string,
  table: TableInput,
): TableInput {
  const sql = currentViewSql(contract, database, table);
  const columns = viewColumns(table).map((c) => ({ Name: c.Name, Type: c.Type }));
  const document = {
    originalSql: sql,
    catalog: 'awsdatacatalog',
    schema: database,
    columns: columns.map((c) => ({ name: c.Name, type: prestoType(c.Type) })),
  };
  return {
    Name: `${contract.dataset}${CURRENT_SUFFIX}`,
    Description: `Latest version of each ${contract.primaryKey!.join(', ')} of ${table.Name}`,
    TableType: 'VIRTUAL_VIEW',
    Parameters: { presto_view: 'true', comment: 'Presto View', [VIEW_OF_PARAMETER]: table.Name },
    StorageDescriptor: { Columns: columns, SerdeInfo: {} },
    ViewOriginalText: `${PRESTO_PREFIX}${Buffer.from(JSON.stringify(document)).toString('base64')}${PRESTO_SUFFIX}`,
    ViewExpandedText: '/* Presto View */',
  };
}

/** The SQL of a catalogued view, or undefined when `table` is not a view we can read. */
export function viewSqlOf(table: TableInput): string | undefined {
  const text = table.ViewOriginalText;
  if (table.TableType !== 'VIRTUAL_VIEW' || !text?.startsWith(PRESTO_PREFIX)) return undefined;
  const encoded = text.slice(PRESTO_PREFIX.length, text.length - PRESTO_SUFFIX.length);
  try {
    const document = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as {
      originalSql?: unknown;
    };
    return typeof document.originalSql === 'string' ? document.originalSql : undefined;
  } catch {
    return undefined;
  }
}

/** The Presto/Trino type Athena records for a Glue (Hive) column type. */
function prestoType(hiveType: string): string {
  const t = hiveType.toLowerCase();
  if (t === 'string') return 'varchar';
  if (t === 'int') return 'integer';
  return t;
}
