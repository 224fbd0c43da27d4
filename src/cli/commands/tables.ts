/** `lake tables`: every table and view of the twin's catalog with its partitions, files and rows. */
import type { PartitionInput, TableInput } from '../../core/catalog/glueTypes.js';
import { LocalCatalog } from '../../local/catalog/index.js';
import { registeredFiles, s3rverFileResolver } from '../../local/query/index.js';
import { twinPaths, type TwinConfig } from '../../local/twinConfig.js';
import { CliError, EXIT } from '../errors.js';
import { formatTable } from '../format.js';
import { runQuery } from './query.js';

/** One line of `lake tables --json`. */
export interface TableListing {
  name: string;
  type: 'table' | 'view';
  /** Registered partitions (0 for a view: it holds no data of its own). */
  partitions: number;
  /** Parquet files a query of the table reads (0 for a view). */
  files: number;
  rows: number;
  /** First and last partition, `YYYY-MM-DD` or `YYYY-MM-DD/HH`; null when there is none. */
  firstPartition: string | null;
  lastPartition: string | null;
}

/** The catalog's tables and views, sorted by name, with their counts. */
export async function listTables(config: TwinConfig): Promise<TableListing[]> {
  const paths = twinPaths(config);
  const catalog = new LocalCatalog(paths.catalog);
  const list = await catalog.listTables(config.database);
  if (list.length === 0) return [];
  const sorted = [...list].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  // One query (so one DuckDB engine) counts every table and view.
  const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const counts = await runQuery(
    config,
    sorted
      .map(
        (t, i) => `SELECT ${i} AS i, count(*) AS n FROM ${ident(config.database)}.${ident(t.Name)}`,
      )
      .join(' UNION ALL '),
  );
  const countOf = new Map(counts.rows.map(([i, n]) => [Number(i), Number(n)]));
  const resolve = s3rverFileResolver(paths.s3);
  const listings: TableListing[] = [];
  for (const [i, table] of sorted.entries()) {
    const view = isView(table);
    const partitions = view ? [] : await catalog.listPartitions(config.database, table.Name);
    const names = partitions.map(partitionName).sort();
    listings.push({
      name: table.Name,
      type: view ? 'view' : 'table',
      partitions: partitions.length,
      files: view ? 0 : (await registeredFiles(table, partitions, resolve)).length,
      rows: countOf.get(i) ?? 0,
      firstPartition: names[0] ?? null,
      lastPartition: names[names.length - 1] ?? null,
    });
  }
  return listings;
}

/** `lake tables [--json]`. */
export async function tables(
  config: TwinConfig,
  print: (line: string) => void,
  options: { json?: boolean } = {},
): Promise<number> {
  if (config.stage) {
    throw new CliError(
      'lake tables reads the local catalog only',
      EXIT.usage,
      `in a stage, ask Athena: lake --stage ${config.stage} query "SHOW TABLES"`,
    );
  }
  const listings = await listTables(config);
  if (options.json) {
    print(JSON.stringify(listings, null, 2));
    return EXIT.ok;
  }
  if (listings.length === 0) {
    print('No tables yet: they appear when the first file of a dataset commits. Run: npm start');
    return EXIT.ok;
  }
  print(
    formatTable(
      ['table', 'type', 'partitions', 'files', 'rows', 'partitions from .. to'],
      listings.map((t) => [
        t.name,
        t.type,
        t.partitions,
        t.files,
        t.rows,
        t.firstPartition ? `${t.firstPartition} .. ${t.lastPartition}` : '',
      ]),
    ),
  );
  return EXIT.ok;
}

function isView(table: TableInput): boolean {
  return table.TableType === 'VIRTUAL_VIEW';
}

/** `YYYY-MM-DD`, or `YYYY-MM-DD/HH` at hour grain: sorts as time does. */
function partitionName(p: PartitionInput): string {
  return p.Values.join('/');
}
