/** One catalog table (or view) as the console shows it: columns, partitions, files, rows, preview. */
import type { PartitionInput, TableInput } from '../../src/core/catalog/glueTypes.js';
import type { ConsoleBackend, QueryAnswer } from './consoleBackend.js';

/** A partition with its S3 location and the objects under it. */
export interface PartitionDetail {
  values: string[];
  location: string | null;
  files: { key: string; size: number }[];
}

/** Everything the table page shows. */
export interface TableDetail {
  name: string;
  type: 'table' | 'view';
  description: string | null;
  location: string | null;
  writeMode: string | null;
  columns: { name: string; type: string; comment: string | null }[];
  partitionKeys: { name: string; type: string }[];
  /** The newest MAX_PARTITIONS_SHOWN partitions; `partitionCount` counts them all. */
  partitions: PartitionDetail[];
  partitionCount: number;
  rows: number;
  preview: QueryAnswer;
  /** Rejected tables: how many rows each reason code rejected. */
  rejectReasons: QueryAnswer | null;
  /** Views: the SQL they run. */
  viewSql: string | null;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Partitions shown in full on the page; the count says how many there are. */
export const MAX_PARTITIONS_SHOWN = 200;

function parseS3(uri: string): { bucket: string; prefix: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return m ? { bucket: m[1]!, prefix: m[2]! } : undefined;
}

/** Athena stores a view's SQL base64-encoded inside `/* Presto View: … *\/`; show the SQL. */
function viewSqlOf(table: TableInput): string | null {
  const text = table.ViewOriginalText ?? '';
  const m = /\/\* Presto View: ([A-Za-z0-9+/=]+) \*\//.exec(text);
  if (!m) return table.ViewExpandedText ?? (text || null);
  try {
    const decoded = JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as {
      originalSql?: string;
    };
    return decoded.originalSql ?? text;
  } catch {
    return text;
  }
}

async function partitionDetail(
  backend: ConsoleBackend,
  partition: PartitionInput,
): Promise<PartitionDetail> {
  const location = partition.StorageDescriptor?.Location ?? null;
  const where = location ? parseS3(location.endsWith('/') ? location : `${location}/`) : undefined;
  const objects = where ? await backend.store.list(where.bucket, where.prefix) : [];
  return {
    values: partition.Values,
    location,
    files: objects
      .filter((o) => !/(^|\/)[_.][^/]*$/.test(o.key))
      .map((o) => ({ key: o.key, size: o.size })),
  };
}

/** The table page's data, or undefined when the catalog has no such table. */
export async function tableDetail(
  backend: ConsoleBackend,
  name: string,
  previewRows = 20,
): Promise<TableDetail | undefined> {
  const db = backend.config.database;
  const table = await backend.catalog.getTable(db, name);
  if (!table) return undefined;
  const view = table.TableType === 'VIRTUAL_VIEW';
  const partitions = view ? [] : await backend.catalog.listPartitions(db, table.Name);
  const shown = partitions
    .slice()
    .sort((a, b) => (a.Values.join('/') < b.Values.join('/') ? 1 : -1))
    .slice(0, MAX_PARTITIONS_SHOWN);
  const from = `${ident(db)}.${ident(table.Name)}`;
  const [count, preview] = await Promise.all([
    backend.query(`SELECT count(*) AS n FROM ${from}`),
    backend.query(`SELECT * FROM ${from} LIMIT ${Math.max(0, Math.floor(previewRows))}`),
  ]);
  const columns = table.StorageDescriptor?.Columns ?? [];
  const rejected = columns.some((c) => c.Name === '_error_codes');
  return {
    name: table.Name,
    type: view ? 'view' : 'table',
    description: table.Description ?? null,
    location: table.StorageDescriptor?.Location ?? null,
    writeMode: table.Parameters?.['lake.write_mode'] ?? null,
    columns: columns.map((c) => ({ name: c.Name, type: c.Type, comment: c.Comment ?? null })),
    partitionKeys: (table.PartitionKeys ?? []).map((k) => ({ name: k.Name, type: k.Type })),
    partitions: await Promise.all(shown.map((p) => partitionDetail(backend, p))),
    partitionCount: partitions.length,
    rows: Number(count.rows[0]?.[0] ?? 0),
    preview,
    rejectReasons: rejected
      ? await backend.query(
          `SELECT _error_codes AS reason, count(*) AS "rows" FROM ${from} GROUP BY 1 ORDER BY 2 DESC LIMIT 50`,
        )
      : null,
    viewSql: view ? viewSqlOf(table) : null,
  };
}
