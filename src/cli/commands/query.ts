/** `lake query "SQL"`: Athena SQL answered by DuckDB over the twin's catalog. */
import { LocalCatalog } from '../../local/catalog/index.js';
import { QueryEngine, s3rverFileResolver, type QueryResult } from '../../local/query/index.js';
import { twinPaths, type TwinConfig } from '../../local/twinConfig.js';
import { CliError, EXIT } from '../errors.js';
import { formatCsv, formatJson, formatTable } from '../format.js';
import { cleanQueryError } from '../queryErrors.js';

/** The lake's own tables and views (what a query may name). */
async function catalogNames(config: TwinConfig): Promise<string[]> {
  try {
    const tables = await new LocalCatalog(twinPaths(config).catalog).listTables(config.database);
    return tables.map((t) => t.Name);
  } catch {
    return [];
  }
}

/** Run one query against the twin's registered partitions (no running twin needed). */
export async function runQuery(config: TwinConfig, sql: string): Promise<QueryResult> {
  const paths = twinPaths(config);
  const engine = await QueryEngine.create({
    catalog: new LocalCatalog(paths.catalog),
    resolve: s3rverFileResolver(paths.s3),
    databases: [config.database],
  });
  try {
    return await engine.query(sql);
  } catch (err) {
    const e = err as Error;
    if (e.name === 'QueryError') {
      const names = (await catalogNames(config)).sort();
      throw new CliError(
        cleanQueryError(e.message, names),
        EXIT.failed,
        `${names.length ? `tables and views: ${names.join(', ')}` : 'no tables yet'} (lake tables); the SQL is Athena's dialect`,
      );
    }
    throw err;
  } finally {
    engine.close();
  }
}

/** Print a result as a table, JSON or CSV. */
export function printResult(
  result: QueryResult,
  format: 'table' | 'json' | 'csv',
  print: (line: string) => void,
): void {
  const names = result.columns.map((c) => c.name);
  if (format === 'json') print(formatJson(names, result.rows));
  else if (format === 'csv') print(formatCsv(names, result.rows));
  else
    print(
      `${formatTable(names, result.rows)}\n(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`,
    );
}

/** `lake query`: the twin's DuckDB, or Athena in the stage given with `--stage`. */
export async function query(
  config: TwinConfig,
  sql: string,
  format: 'table' | 'json' | 'csv',
  print: (line: string) => void,
): Promise<number> {
  if (config.stage) {
    // Loaded here: the twin's modules (AWS SDK, s3rver, runner) are not needed for the twin's queries.
    const { openTwin } = await import('../twinHandle.js');
    const stage = await openTwin(config);
    printResult(await stage.query!(sql), format, print);
    return EXIT.ok;
  }
  printResult(await runQuery(config, sql), format, print);
  return EXIT.ok;
}
