/**
 * Athena's Hive DDL statements that read the catalog (SHOW PARTITIONS, SHOW COLUMNS, SHOW TABLES,
 * SHOW DATABASES, SHOW CREATE TABLE, DESCRIBE), answered from the catalog in Athena's shapes, and
 * the Trino-shaped `information_schema` views.
 */
import type { PartitionInput, TableInput } from '../../../core/catalog/glueTypes.js';
import { quoteIdent, quoteLiteral } from '../glueToDuckType.js';
import { trinoTypeOfGlue } from './trinoTypes.js';

/** What the statements read: the catalog as the engine last synced it. */
export interface CatalogSnapshot {
  databases: string[];
  defaultDatabase: string;
  tables(database: string): TableInput[];
  partitions(database: string, table: string): Promise<PartitionInput[]>;
}

/** A metadata answer: varchar columns (Hive's names) and rows of text. */
export interface MetadataResult {
  columns: string[];
  rows: string[][];
}

const NAME = String.raw`(?:"(?:[^"]|"")+"|[\w$]+)`;
const QUALIFIED = new RegExp(String.raw`^(${NAME})(?:\s*\.\s*(${NAME}))?(?:\s*\.\s*(${NAME}))?$`);

/** The answer to `sql` when it is one of these statements, else undefined. */
export async function answerMetadata(
  sql: string,
  catalog: CatalogSnapshot,
): Promise<MetadataResult | undefined> {
  const text = sql.trim().replace(/;\s*$/, '').trim();
  let m: RegExpExecArray | null;
  if ((m = /^show\s+(?:databases|schemas)(?:\s+(?:like\s+)?'((?:[^']|'')*)')?$/i.exec(text)))
    return {
      columns: ['database_name'],
      rows: filterNames(catalog.databases, m[1]).map((d) => [d]),
    };
  if (
    (m = /^show\s+tables(?:\s+(?:in|from)\s+(\S+))?(?:\s+(like\s+)?'((?:[^']|'')*)')?$/i.exec(text))
  ) {
    const database = m[1] ? unquote(m[1]) : catalog.defaultDatabase;
    const names = catalog.tables(database).map((t) => t.Name);
    return {
      columns: ['tab_name'],
      rows: filterNames(names, m[3], !!m[2])
        .sort()
        .map((n) => [n]),
    };
  }
  if ((m = /^show\s+partitions\s+(.+)$/i.exec(text))) {
    const { database, table } = tableOf(m[1]!, catalog);
    const keys = table.PartitionKeys ?? [];
    const partitions = await catalog.partitions(database, table.Name);
    const rows = partitions
      .map((p) => keys.map((k, i) => `${k.Name}=${p.Values[i] ?? ''}`).join('/'))
      .sort()
      .map((p) => [p]);
    return { columns: ['partition'], rows };
  }
  if ((m = /^show\s+columns\s+(?:in|from)\s+(\S+)(?:\s+(?:in|from)\s+(\S+))?$/i.exec(text))) {
    const { table } = tableOf(m[2] ? `${m[2]}.${m[1]}` : m[1]!, catalog);
    return { columns: ['field'], rows: columnsOf(table).map((c) => [c.Name]) };
  }
  if ((m = /^show\s+create\s+(?:table|view)\s+(.+)$/i.exec(text))) {
    const { database, table } = tableOf(m[1]!, catalog);
    return { columns: ['createtab_stmt'], rows: createTableLines(database, table).map((l) => [l]) };
  }
  if ((m = /^(?:describe|desc)\s+(?:formatted\s+|extended\s+)?(.+)$/i.exec(text))) {
    const { table } = tableOf(m[1]!, catalog);
    return { columns: ['col_name', 'data_type', 'comment'], rows: describeRows(table) };
  }
  return undefined;
}

/** The Trino-shaped `information_schema` views, as `CREATE VIEW` statements in `schema`. */
export function informationSchemaSql(schema: string, catalog: CatalogSnapshot): string[] {
  const tables: string[][] = [];
  const columns: string[][] = [];
  const views: string[][] = [];
  for (const database of catalog.databases) {
    for (const t of catalog.tables(database)) {
      const isView = t.TableType === 'VIRTUAL_VIEW';
      tables.push(['awsdatacatalog', database, t.Name, isView ? 'VIEW' : 'BASE TABLE']);
      if (isView) views.push(['awsdatacatalog', database, t.Name, t.ViewOriginalText ?? '']);
      const keys = new Set((t.PartitionKeys ?? []).map((k) => k.Name));
      columnsOf(t).forEach((c, i) =>
        columns.push([
          'awsdatacatalog',
          database,
          t.Name,
          c.Name,
          String(i + 1),
          'YES',
          trinoTypeOfGlue(c.Type),
          c.Comment ?? '',
          keys.has(c.Name) ? 'partition key' : '',
        ]),
      );
    }
  }
  const view = (
    name: string,
    names: string[],
    rows: string[][],
    types: Record<string, string> = {},
  ) => {
    const select = names
      .map((n, i) => `CAST("c${i}" AS ${types[n] ?? 'VARCHAR'}) AS ${quoteIdent(n)}`)
      .join(', ');
    const body = rows.length
      ? `FROM (VALUES ${rows.map((r) => `(${r.map(quoteLiteral).join(', ')})`).join(', ')}) AS "_v"(${names.map((_, i) => `"c${i}"`).join(', ')})`
      : `FROM (SELECT ${names.map((_, i) => `NULL AS "c${i}"`).join(', ')}) WHERE false`;
    return `CREATE OR REPLACE VIEW ${quoteIdent(schema)}.${quoteIdent(name)} AS SELECT ${select} ${body}`;
  };
  const schemata = catalog.databases.map((d) => ['awsdatacatalog', d]);
  schemata.push(['awsdatacatalog', 'information_schema']);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`,
    view('schemata', ['catalog_name', 'schema_name'], schemata),
    view('tables', ['table_catalog', 'table_schema', 'table_name', 'table_type'], tables),
    view('views', ['table_catalog', 'table_schema', 'table_name', 'view_definition'], views),
    view(
      'columns',
      [
        'table_catalog',
        'table_schema',
        'table_name',
        'column_name',
        'ordinal_position',
        'is_nullable',
        'data_type',
        'comment',
        'extra_info',
      ],
      columns.map((c) => [...c.slice(0, 5), c[5]!, c[6]!, c[7]!, c[8]!]),
      { ordinal_position: 'BIGINT' },
    ),
  ];
}

function columnsOf(table: TableInput) {
  return [...(table.StorageDescriptor?.Columns ?? []), ...(table.PartitionKeys ?? [])];
}

function describeRows(table: TableInput): string[][] {
  const rows = (table.StorageDescriptor?.Columns ?? []).map((c) => [
    c.Name,
    c.Type,
    c.Comment ?? '',
  ]);
  const keys = table.PartitionKeys ?? [];
  for (const k of keys) rows.push([k.Name, k.Type, k.Comment ?? '']);
  if (keys.length) {
    rows.push(
      ['', '', ''],
      ['# Partition Information', '', ''],
      ['# col_name', 'data_type', 'comment'],
    );
    rows.push(['', '', '']);
    for (const k of keys) rows.push([k.Name, k.Type, k.Comment ?? '']);
  }
  return rows;
}

function createTableLines(database: string, table: TableInput): string[] {
  const name = `\`${database}\`.\`${table.Name}\``;
  if (table.TableType === 'VIRTUAL_VIEW')
    return [`CREATE VIEW ${name} AS`, ...(table.ViewOriginalText ?? '').split('\n')];
  const sd = table.StorageDescriptor ?? {};
  const cols = (sd.Columns ?? []).map(
    (c, i, all) => `  \`${c.Name}\` ${c.Type}${i < all.length - 1 ? ',' : ')'}`,
  );
  const keys = (table.PartitionKeys ?? []).map(
    (k, i, all) => `  \`${k.Name}\` ${k.Type}${i < all.length - 1 ? ',' : ')'}`,
  );
  const lines = [`CREATE EXTERNAL TABLE ${name}(`, ...cols];
  if (keys.length) lines.push('PARTITIONED BY ( ', ...keys);
  if (sd.SerdeInfo?.SerializationLibrary)
    lines.push('ROW FORMAT SERDE ', `  '${sd.SerdeInfo.SerializationLibrary}' `);
  if (sd.InputFormat) lines.push('STORED AS INPUTFORMAT ', `  '${sd.InputFormat}' `);
  if (sd.OutputFormat) lines.push('OUTPUTFORMAT ', `  '${sd.OutputFormat}'`);
  if (sd.Location) lines.push('LOCATION', `  '${sd.Location}'`);
  const params = Object.entries(table.Parameters ?? {});
  if (params.length) {
    lines.push('TBLPROPERTIES (');
    params.forEach(([k, v], i) =>
      lines.push(`  '${k}'='${v}'${i < params.length - 1 ? ', ' : ')'}`),
    );
  }
  return lines;
}

function tableOf(name: string, catalog: CatalogSnapshot): { database: string; table: TableInput } {
  const m = QUALIFIED.exec(name.trim());
  const parts = m ? [m[1], m[2], m[3]].filter((p): p is string => !!p).map(unquote) : [name];
  if (parts.length === 3 && parts[0]!.toLowerCase() === 'awsdatacatalog') parts.shift();
  const database = (parts.length >= 2 ? parts[0]! : catalog.defaultDatabase).toLowerCase();
  const tableName = parts.at(-1)!.toLowerCase();
  const table = catalog.tables(database).find((t) => t.Name.toLowerCase() === tableName);
  if (!table) throw new MetadataTableNotFound(database, tableName);
  return { database, table };
}

/** Raised for a table the catalog does not hold; the engine turns it into a `QueryError`. */
export class MetadataTableNotFound extends Error {
  override name = 'MetadataTableNotFound';
  constructor(database: string, table: string) {
    super(`TABLE_NOT_FOUND: Table awsdatacatalog.${database}.${table} does not exist`);
  }
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name;
}

/** SHOW TABLES patterns: `LIKE` with `%` and `_`, or Hive's regex with `*` and `|`. */
function filterNames(names: string[], pattern: string | undefined, like = true): string[] {
  if (pattern === undefined) return names;
  const p = pattern.replace(/''/g, "'");
  const source = like
    ? p
        .replace(/[.+?^${}()|[\]\\*]/g, '\\$&')
        .replace(/%/g, '.*')
        .replace(/_/g, '.')
    : p
        .split('|')
        .map((alt) => alt.replace(/[.+?^${}()[\]\\]/g, '\\$&').replace(/\*/g, '.*'))
        .join('|');
  const re = new RegExp(`^(?:${source})$`, 'i');
  return names.filter((n) => re.test(n));
}
