/**
 * The twin's Athena: DuckDB answering SQL over the catalog's tables. Before each query the views
 * are brought in line with the catalog: `"<db>"."<table>"` reads only the Parquet files of the
 * table's registered partitions (as Athena sees only registered ones), typed as the catalog says.
 */
import os from 'node:os';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { viewSqlOf } from '../../core/catalog/currentView.js';
import type { TableInput } from '../../core/catalog/glueTypes.js';
import type { Catalog } from '../../core/ports.js';
import { ATHENA_MACROS, ATHENA_SETTINGS, translateAthenaSql } from './athenaDialect.js';
import { QueryError } from './errors.js';
import { quoteIdent } from './glueToDuckType.js';
import { toJsonValue } from './jsonValues.js';
import type { LocationResolver } from './localFileResolver.js';
import { readParquetSql, registeredFiles, viewSelectSql } from './tableView.js';

/** A column of a query result: its name and DuckDB type (e.g. `BIGINT`, `DATE`, `VARCHAR`). */
export interface QueryColumn {
  name: string;
  type: string;
}

/** A query result with JSON-safe values (see `toJsonValue`). */
export interface QueryResult {
  columns: QueryColumn[];
  rows: unknown[][];
}

/** Options of {@link QueryEngine.create}. */
export interface QueryEngineOptions {
  catalog: Catalog;
  /** Maps `s3://` locations to local files, e.g. `s3rverFileResolver(s3.dataDir)`. */
  resolve: LocationResolver;
  /** Databases whose tables become views. @default ['lake'] (or every one a LocalCatalog lists) */
  databases?: string[];
  /** Database that bare table names resolve in. @default the first of `databases` */
  defaultDatabase?: string;
  /** DuckDB worker threads. @default min(2, available cores) */
  threads?: number;
}

interface ViewState {
  signature: string;
}

/** DuckDB over the catalog, one in-memory instance, queries run one at a time. */
export class QueryEngine {
  private readonly views = new Map<string, ViewState>();
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly options: QueryEngineOptions,
  ) {}

  /**
   * Start an engine.
   * @example
   * const engine = await QueryEngine.create({ catalog, resolve: s3rverFileResolver(s3.dataDir) });
   * const { columns, rows } = await engine.query('SELECT count(*) AS n FROM "lake"."jobs"');
   */
  static async create(options: QueryEngineOptions): Promise<QueryEngine> {
    const threads = options.threads ?? Math.max(1, Math.min(2, os.availableParallelism()));
    const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
    const connection = await instance.connect();
    for (const sql of [...ATHENA_SETTINGS, ...ATHENA_MACROS]) await connection.run(sql);
    return new QueryEngine(instance, connection, options);
  }

  /** Run `sql` (Athena dialect) against the current catalog. Throws `QueryError` for bad SQL. */
  query(sql: string): Promise<QueryResult> {
    return this.serial(async () => {
      await this.syncViews();
      let reader;
      try {
        reader = await this.connection.runAndReadAll(translateAthenaSql(sql));
      } catch (err) {
        throw new QueryError(messageOf(err), { sql }, { cause: err });
      }
      const types = reader.columnTypes();
      const columns = reader.columnNames().map((name, i) => ({ name, type: types[i]!.toString() }));
      const rows = reader
        .getRowsJson()
        .map((row) => row.map((value, i) => toJsonValue(value, types[i]!)));
      return { columns, rows };
    });
  }

  /** Bring the views in line with the catalog now (queries do this themselves). */
  refresh(): Promise<void> {
    return this.serial(() => this.syncViews());
  }

  /** Release DuckDB. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async databases(): Promise<string[]> {
    if (this.options.databases) return this.options.databases;
    const lister = (this.options.catalog as { listDatabases?: () => Promise<string[]> })
      .listDatabases;
    const listed = lister ? await lister.call(this.options.catalog) : [];
    return listed.length ? listed : ['lake'];
  }

  private async syncViews(): Promise<void> {
    const databases = await this.databases();
    const seen = new Set<string>();
    for (const database of databases) {
      await this.connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(database)}`);
      const tables = await this.options.catalog.listTables(database);
      // Catalog views read tables, so the tables' views come first.
      const views = tables.filter((t) => t.TableType === 'VIRTUAL_VIEW');
      for (const table of tables.filter((t) => t.TableType !== 'VIRTUAL_VIEW')) {
        const name = `${quoteIdent(database)}.${quoteIdent(table.Name)}`;
        seen.add(name);
        await this.syncView(database, table, name);
      }
      for (const view of views) {
        const name = `${quoteIdent(database)}.${quoteIdent(view.Name)}`;
        seen.add(name);
        await this.syncCatalogView(view, name);
      }
    }
    for (const name of [...this.views.keys()].filter((n) => !seen.has(n))) {
      await this.connection.run(`DROP VIEW IF EXISTS ${name}`);
      this.views.delete(name);
    }
    const defaultDatabase = this.options.defaultDatabase ?? databases[0] ?? 'main';
    await this.connection.run(`SET search_path = '${defaultDatabase.replace(/'/g, "''")},main'`);
  }

  /** A catalog view (Athena's VIRTUAL_VIEW): its SQL, in the Athena dialect, as a DuckDB view. */
  private async syncCatalogView(view: TableInput, name: string): Promise<void> {
    const sql = viewSqlOf(view);
    if (sql === undefined) return;
    const signature = JSON.stringify(['view', sql]);
    if (this.views.get(name)?.signature === signature) return;
    await this.connection.run(`CREATE OR REPLACE VIEW ${name} AS ${translateAthenaSql(sql)}`);
    this.views.set(name, { signature });
  }

  private async syncView(database: string, table: TableInput, name: string): Promise<void> {
    const partitions = await this.options.catalog.listPartitions(database, table.Name);
    const files = await registeredFiles(table, partitions, this.options.resolve);
    const signature = JSON.stringify([
      table.StorageDescriptor?.Columns,
      table.PartitionKeys,
      files,
    ]);
    if (this.views.get(name)?.signature === signature) return;
    const fileColumns = new Set<string>();
    if (files.length) {
      const described = await this.connection.runAndReadAll(
        `DESCRIBE SELECT * FROM ${readParquetSql(files, table.PartitionKeys ?? [])}`,
      );
      for (const [column] of described.getRowsJson()) fileColumns.add(String(column).toLowerCase());
    }
    await this.connection.run(
      `CREATE OR REPLACE VIEW ${name} AS ${viewSelectSql(table, files, fileColumns)}`,
    );
    this.views.set(name, { signature });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
