/**
 * The twin's Athena: DuckDB answering SQL over the catalog's tables. Before each query the views
 * are brought in line with the catalog: `"<db>"."<table>"` reads only the Parquet files of the
 * table's registered partitions (as Athena sees only registered ones), typed as the catalog says.
 */
import { stat } from 'node:fs/promises';
import os from 'node:os';
import {
  DuckDBInstance,
  DuckDBTypeId,
  type DuckDBConnection,
  type DuckDBListType,
  type DuckDBType,
} from '@duckdb/node-api';
import { viewSqlOf } from '../../core/catalog/currentView.js';
import type { PartitionInput, TableInput } from '../../core/catalog/glueTypes.js';
import type { Catalog } from '../../core/ports.js';
import { athenaErrorOf } from './athena/duckErrors.js';
import {
  answerMetadata,
  informationSchemaSql,
  MetadataTableNotFound,
  type CatalogSnapshot,
} from './athena/metadata.js';
import {
  HIVE_SUFFIX,
  INFORMATION_SCHEMA,
  PARTITIONS_SUFFIX,
  type TableColumns,
} from './athena/rewriteAst.js';
import { trinoTypeOfDuck, trinoTypeOfGlue } from './athena/trinoTypes.js';
import {
  ATHENA_SETTINGS,
  AthenaMacros,
  AthenaTranslator,
  athenaColumnNames,
  type Translation,
} from './athenaDialect.js';
import { QueryError } from './errors.js';
import { quoteIdent } from './glueToDuckType.js';
import { toJsonValue } from './jsonValues.js';
import type { LocationResolver } from './localFileResolver.js';
import {
  partitionsViewSql,
  readParquetSql,
  registeredFiles,
  viewSelectSql,
  type PartitionFile,
} from './tableView.js';

/** A column of a query result: its name (Athena's), DuckDB type (`BIGINT`) and Athena type (`bigint`). */
export interface QueryColumn {
  name: string;
  type: string;
  /** The type as Athena names it (`varchar`, `decimal(12,2)`, `timestamp(3)`). */
  athenaType?: string;
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

/** A catalog table as last synced: its input, partitions and files. */
interface SyncedTable {
  table: TableInput;
  partitions: PartitionInput[];
  files: PartitionFile[];
}

/** DuckDB over the catalog, one in-memory instance, queries run one at a time. */
export class QueryEngine {
  private readonly views = new Map<string, ViewState>();
  private readonly synced = new Map<string, SyncedTable>();
  private readonly tablesByDatabase = new Map<string, TableInput[]>();
  private databaseList: string[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  private readonly translator: AthenaTranslator;
  private readonly macros: AthenaMacros;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly options: QueryEngineOptions,
  ) {
    this.translator = new AthenaTranslator(connection);
    this.macros = new AthenaMacros(connection);
  }

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
    // Macros are created on first use (AthenaMacros), so a one-shot query starts fast.
    for (const sql of ATHENA_SETTINGS) await connection.run(sql);
    return new QueryEngine(instance, connection, options);
  }

  /** Run `sql` (Athena dialect) against the current catalog. Throws `QueryError` for bad SQL. */
  query(sql: string): Promise<QueryResult> {
    return this.serial(async () => {
      await this.syncViews();
      const metadata = await this.metadata(sql);
      if (metadata) return metadata;
      const translation = await this.translate(sql);
      await this.provide(translation);
      await this.macros.ensureFor(translation.sql);
      let reader;
      try {
        reader = await this.connection.runAndReadAll(translation.sql);
      } catch (err) {
        const database = this.options.defaultDatabase ?? this.databaseList[0] ?? 'lake';
        // Positions point into the SQL DuckDB ran: the user's only when it was not rewritten.
        const athena = athenaErrorOf(messageOf(err), translation.changed ? '' : sql, database);
        if (athena)
          throw new QueryError(athena.message, { sql, code: athena.code }, { cause: err });
        throw new QueryError(messageOf(err), { sql }, { cause: err });
      }
      const types = reader.columnTypes();
      const names = athenaColumnNames(reader.columnNames(), translation.names);
      const columns = names.map((name, i) => ({
        name,
        type: types[i]!.toString(),
        athenaType: trinoTypeOfDuck(types[i]!.toString()),
      }));
      const rows = reader
        .getRowsJson()
        .map((row) => row.map((value, i) => jsonValue(value, types[i]!)));
      return { columns, rows };
    });
  }

  /** Translate Athena SQL (refusals are `QueryError`s with Athena's wording). */
  private translate(sql: string): Promise<Translation> {
    return this.translator.translate(sql, (schema, table) => this.columnsOf(schema, table));
  }

  private columnsOf(schema: string, table: string): TableColumns | undefined {
    const database = schema || (this.options.defaultDatabase ?? this.databaseList[0] ?? 'lake');
    const found = this.tablesByDatabase
      .get(database)
      ?.find((t) => t.Name.toLowerCase() === table.toLowerCase());
    if (!found) return undefined;
    const columns = [...(found.StorageDescriptor?.Columns ?? []), ...(found.PartitionKeys ?? [])];
    return { columns: columns.map((c) => ({ name: c.Name, type: trinoTypeOfGlue(c.Type) })) };
  }

  /** SHOW …, DESCRIBE: answered from the catalog. */
  private async metadata(sql: string): Promise<QueryResult | undefined> {
    if (!/^\s*(show|describe|desc)\b/i.test(sql)) return undefined;
    try {
      const answer = await answerMetadata(sql, this.snapshot());
      if (!answer) return undefined;
      return {
        columns: answer.columns.map((name) => ({ name, type: 'VARCHAR', athenaType: 'varchar' })),
        rows: answer.rows,
      };
    } catch (err) {
      if (err instanceof MetadataTableNotFound)
        throw new QueryError(err.message, { sql, code: 'TABLE_NOT_FOUND' });
      throw err;
    }
  }

  private snapshot(): CatalogSnapshot {
    return {
      databases: this.databaseList,
      defaultDatabase: this.options.defaultDatabase ?? this.databaseList[0] ?? 'lake',
      tables: (database) => this.tablesByDatabase.get(database.toLowerCase()) ?? [],
      partitions: async (database, table) =>
        this.synced.get(`${database}.${table}`)?.partitions ??
        (await this.options.catalog.listPartitions(database, table)),
    };
  }

  /** The views a statement needs beyond the tables': `$hive`, `$partitions`, information_schema. */
  private async provide(t: Translation): Promise<void> {
    const databaseOf = (schema: string) =>
      schema || (this.options.defaultDatabase ?? this.databaseList[0] ?? 'lake');
    for (const { schema, table } of t.hiveTables) {
      const synced = this.synced.get(`${databaseOf(schema)}.${table}`);
      if (!synced) continue;
      await this.syncHiveView(databaseOf(schema), synced);
    }
    for (const { schema, table } of t.partitionTables) {
      const synced = this.synced.get(`${databaseOf(schema)}.${table}`);
      if (!synced) continue;
      const name = `${quoteIdent(databaseOf(schema))}.${quoteIdent(synced.table.Name + PARTITIONS_SUFFIX)}`;
      await this.createView(name, partitionsViewSql(synced.table, synced.partitions));
    }
    if (t.usesInformationSchema) {
      const statements = informationSchemaSql(INFORMATION_SCHEMA, this.snapshot());
      const signature = JSON.stringify(statements);
      if (this.views.get(INFORMATION_SCHEMA)?.signature !== signature) {
        for (const sql of statements) await this.connection.run(sql);
        this.views.set(INFORMATION_SCHEMA, { signature });
      }
    }
  }

  /** The table's view with Athena's pseudo columns `"$path"` and `"$file_modified_time"`. */
  private async syncHiveView(database: string, synced: SyncedTable): Promise<void> {
    const files = await Promise.all(
      synced.files.map(async (f) => {
        const modified = await stat(f.file).then(
          (s) => s.mtime.toISOString(),
          () => undefined,
        );
        return { ...f, modified };
      }),
    );
    const fileColumns = await this.fileColumns(files, synced.table);
    const name = `${quoteIdent(database)}.${quoteIdent(synced.table.Name + HIVE_SUFFIX)}`;
    await this.createView(name, viewSelectSql(synced.table, files, fileColumns, true));
  }

  private async createView(name: string, body: string): Promise<void> {
    const signature = JSON.stringify(['derived', body]);
    if (this.views.get(name)?.signature === signature) return;
    await this.connection.run(`CREATE OR REPLACE VIEW ${name} AS ${body}`);
    this.views.set(name, { signature });
  }

  private async fileColumns(files: PartitionFile[], table: TableInput): Promise<Set<string>> {
    const fileColumns = new Set<string>();
    if (!files.length) return fileColumns;
    const described = await this.connection.runAndReadAll(
      `DESCRIBE SELECT * FROM ${readParquetSql(files, table.PartitionKeys ?? [])}`,
    );
    for (const [column] of described.getRowsJson()) fileColumns.add(String(column).toLowerCase());
    return fileColumns;
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
    this.databaseList = databases;
    const seen = new Set<string>();
    for (const database of databases) {
      await this.connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(database)}`);
      const tables = await this.options.catalog.listTables(database);
      this.tablesByDatabase.set(database.toLowerCase(), tables);
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
    const derived = (n: string) => n === INFORMATION_SCHEMA || /\$(hive|partitions)"$/.test(n);
    for (const name of [...this.views.keys()].filter((n) => !seen.has(n) && !derived(n))) {
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
    const translated = await this.translate(sql);
    await this.macros.ensureFor(translated.sql);
    await this.connection.run(`CREATE OR REPLACE VIEW ${name} AS ${translated.sql}`);
    this.views.set(name, { signature });
  }

  private async syncView(database: string, table: TableInput, name: string): Promise<void> {
    const partitions = await this.options.catalog.listPartitions(database, table.Name);
    const files = await registeredFiles(table, partitions, this.options.resolve);
    this.synced.set(`${database.toLowerCase()}.${table.Name.toLowerCase()}`, {
      table,
      partitions,
      files,
    });
    const signature = JSON.stringify([
      table.StorageDescriptor?.Columns,
      table.PartitionKeys,
      files,
    ]);
    if (this.views.get(name)?.signature === signature) return;
    const fileColumns = await this.fileColumns(files, table);
    await this.connection.run(
      `CREATE OR REPLACE VIEW ${name} AS ${viewSelectSql(table, files, fileColumns)}`,
    );
    this.views.set(name, { signature });
  }
}

/** `toJsonValue`, also inside arrays (a list of BIGINT comes as strings). */
function jsonValue(value: unknown, type: DuckDBType): unknown {
  if (Array.isArray(value) && type.typeId === DuckDBTypeId.LIST) {
    const child = (type as DuckDBListType).valueType;
    return value.map((v) => jsonValue(v, child));
  }
  return toJsonValue(value, type);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
