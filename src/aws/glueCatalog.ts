/**
 * The Glue Data Catalog behind the `Catalog` port. Table updates are optimistic: read the table
 * with its VersionId, merge, and UpdateTable at that VersionId; a concurrent writer makes Glue
 * answer ConcurrentModificationException, and we read, merge and try again, so parallel commits
 * never drop each other's columns. Partitions go in batches of at most 100 (BatchCreatePartition's
 * limit); ones that already exist count as done.
 */
import {
  BatchCreatePartitionCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  GetDatabaseCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { GlueClient, Partition, PartitionError, Table } from '@aws-sdk/client-glue';
import { CatalogBusyError, CatalogInputError } from '../core/catalog/errors.js';
import { TerminalError } from '../core/errors.js';
import type {
  GlueStorageDescriptor,
  PartitionInput,
  TableInput,
} from '../core/catalog/glueTypes.js';
import { planTableUpdate } from '../core/catalog/schemaEvolution.js';
import type { Catalog, RegisterPartitionsResult } from '../core/ports.js';

/** BatchCreatePartition accepts at most this many partitions per call. */
export const GLUE_PARTITION_BATCH = 100;

/**
 * The stage's Glue database does not exist. The stack creates it (its parameters record the
 * stage's outputs), so the pipeline does not: a database Commit made would lack them.
 */
export class DatabaseNotFoundError extends TerminalError {
  override name = 'DatabaseNotFoundError';
}

/** Glue error names a retry can cure. */
const RETRYABLE = new Set([
  'ConcurrentModificationException',
  'ThrottlingException',
  'InternalServiceException',
  'OperationTimeoutException',
  'ResourceNotReadyException',
]);

/** Options of `GlueCatalog`. */
export interface GlueCatalogOptions {
  /** Attempts per operation before `CatalogBusyError`. @default 8 */
  maxAttempts?: number;
  /** First backoff ceiling in ms; doubles per attempt, full jitter. @default 100 */
  baseDelayMs?: number;
  /** Backoff ceiling in ms. @default 5000 */
  maxDelayMs?: number;
  /** Waits between attempts (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1). */
  random?: () => number;
  /**
   * Whether `ensureDatabase` creates a missing database. The Lambdas say false: the stack owns the
   * database, so Commit needs no `glue:CreateDatabase`. @default true
   */
  createDatabase?: boolean;
}

/**
 * A `Catalog` over AWS Glue.
 * @example const catalog = new GlueCatalog(new GlueClient({})); await catalog.ensureTable('lake_dev', curatedTableInput(contract, loc));
 */
export class GlueCatalog implements Catalog {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly createDatabase: boolean;

  constructor(
    private readonly glue: GlueClient,
    options: GlueCatalogOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 5000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.createDatabase = options.createDatabase ?? true;
  }

  /**
   * Create the database if it does not exist (a concurrent creator is fine); with
   * `createDatabase: false`, a missing database is `DatabaseNotFoundError`.
   */
  async ensureDatabase(database: string): Promise<void> {
    await this.withRetry(`ensure database ${database}`, { database }, async () => {
      try {
        await this.glue.send(new GetDatabaseCommand({ Name: database }));
        return;
      } catch (err) {
        if (errorName(err) !== 'EntityNotFoundException') throw err;
      }
      if (!this.createDatabase)
        throw new DatabaseNotFoundError(
          `Glue database ${database} does not exist: deploy the stage (sst deploy), or fix CATALOG_DATABASE`,
          { database },
        );
      try {
        await this.glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database } }));
      } catch (err) {
        if (errorName(err) !== 'AlreadyExistsException') throw err;
      }
    });
  }

  /**
   * Create the table, or update it when the input adds nullable columns (`planTableUpdate`
   * decides; `SchemaConflictError` for anything else). Updates carry the VersionId they were
   * planned from, so a concurrent update is detected and re-merged, never overwritten.
   */
  async ensureTable(database: string, table: TableInput): Promise<void> {
    await this.withRetry(
      `ensure table ${database}.${table.Name}`,
      { database, table: table.Name },
      async () => {
        const current = await this.readTable(database, table.Name);
        if (!current) {
          try {
            await this.glue.send(
              new CreateTableCommand({ DatabaseName: database, TableInput: table }),
            );
            return;
          } catch (err) {
            // Someone created it between our read and our create: plan against theirs.
            if (errorName(err) === 'AlreadyExistsException') throw retryable(err);
            throw err;
          }
        }
        const plan = planTableUpdate(toTableInput(current), table);
        if (plan.action === 'none') return;
        await this.glue.send(
          new UpdateTableCommand({
            DatabaseName: database,
            TableInput: plan.table,
            VersionId: current.VersionId,
            SkipArchive: false,
          }),
        );
      },
    );
  }

  /**
   * Create the view, or replace its definition (at the VersionId read) when it differs; a
   * concurrent creator or updater makes us read and compare again.
   */
  async ensureView(database: string, view: TableInput): Promise<void> {
    await this.withRetry(
      `ensure view ${database}.${view.Name}`,
      { database, table: view.Name },
      async () => {
        const current = await this.readTable(database, view.Name);
        if (!current) {
          try {
            await this.glue.send(
              new CreateTableCommand({ DatabaseName: database, TableInput: view }),
            );
            return;
          } catch (err) {
            if (errorName(err) === 'AlreadyExistsException') throw retryable(err);
            throw err;
          }
        }
        if (current.TableType !== 'VIRTUAL_VIEW')
          throw new CatalogInputError(`${database}.${view.Name} is a table, not a view`, {
            database,
            table: view.Name,
          });
        if (current.ViewOriginalText === view.ViewOriginalText) return;
        await this.glue.send(
          new UpdateTableCommand({
            DatabaseName: database,
            TableInput: view,
            VersionId: current.VersionId,
            SkipArchive: false,
          }),
        );
      },
    );
  }

  /** Register partitions in batches of 100; existing ones count as `existing`, not as errors. */
  async registerPartitions(
    database: string,
    table: string,
    partitions: PartitionInput[],
  ): Promise<RegisterPartitionsResult> {
    const unique = dedupe(partitions);
    const result: RegisterPartitionsResult = { created: 0, existing: 0 };
    for (let i = 0; i < unique.length; i += GLUE_PARTITION_BATCH) {
      let pending = unique.slice(i, i + GLUE_PARTITION_BATCH);
      await this.withRetry(
        `register partitions of ${database}.${table}`,
        { database, table },
        async () => {
          const response = await this.glue.send(
            new BatchCreatePartitionCommand({
              DatabaseName: database,
              TableName: table,
              PartitionInputList: pending,
            }),
          );
          const errors = response.Errors ?? [];
          const failed = new Set<string>();
          const retry: PartitionInput[] = [];
          for (const e of errors) {
            const key = valuesKey(e.PartitionValues ?? []);
            failed.add(key);
            const code = e.ErrorDetail?.ErrorCode ?? '';
            if (code === 'AlreadyExistsException') result.existing++;
            else if (RETRYABLE.has(code))
              retry.push(...pending.filter((p) => valuesKey(p.Values) === key));
            else throw partitionError(e, database, table);
          }
          result.created += pending.filter((p) => !failed.has(valuesKey(p.Values))).length;
          if (retry.length) {
            pending = retry;
            throw retryable(
              new Error(
                `${retry.length} partition(s) of ${database}.${table} hit ${errors[0]?.ErrorDetail?.ErrorCode}`,
              ),
            );
          }
        },
      );
    }
    return result;
  }

  /** The table as a TableInput, or undefined if it does not exist. */
  async getTable(database: string, table: string): Promise<TableInput | undefined> {
    const found = await this.withRetry(`get table ${database}.${table}`, { database, table }, () =>
      this.readTable(database, table),
    );
    return found && toTableInput(found);
  }

  /** Every table of the database (all pages). */
  async listTables(database: string): Promise<TableInput[]> {
    const tables: TableInput[] = [];
    let token: string | undefined;
    do {
      const page = await this.withRetry(`list tables of ${database}`, { database }, () =>
        this.glue.send(new GetTablesCommand({ DatabaseName: database, NextToken: token })),
      );
      tables.push(...(page.TableList ?? []).map(toTableInput));
      token = page.NextToken;
    } while (token);
    return tables;
  }

  /** Every partition of the table (all pages). */
  async listPartitions(database: string, table: string): Promise<PartitionInput[]> {
    const partitions: PartitionInput[] = [];
    let token: string | undefined;
    do {
      const page = await this.withRetry(
        `list partitions of ${database}.${table}`,
        { database, table },
        () =>
          this.glue.send(
            new GetPartitionsCommand({
              DatabaseName: database,
              TableName: table,
              NextToken: token,
            }),
          ),
      );
      partitions.push(...(page.Partitions ?? []).map(toPartitionInput));
      token = page.NextToken;
    } while (token);
    return partitions;
  }

  private async readTable(database: string, name: string): Promise<Table | undefined> {
    try {
      return (await this.glue.send(new GetTableCommand({ DatabaseName: database, Name: name })))
        .Table;
    } catch (err) {
      if (errorName(err) === 'EntityNotFoundException') return undefined;
      throw err;
    }
  }

  /** Run `op`, retrying retryable failures with capped exponential backoff and full jitter. */
  private async withRetry<T>(
    what: string,
    context: Record<string, string>,
    op: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (!isRetryable(err)) throw err;
        if (attempt >= this.maxAttempts) {
          throw new CatalogBusyError(
            `${what}: still failing after ${attempt} attempts (${errorName(err)})`,
            context,
            { cause: err },
          );
        }
        const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        await this.sleep(Math.floor(this.random() * ceiling));
      }
    }
  }
}

/** Glue's Table (as GetTable returns it) reduced to the TableInput fields this project writes. */
export function toTableInput(table: Table): TableInput {
  return {
    Name: table.Name ?? '',
    ...(table.Description !== undefined ? { Description: table.Description } : {}),
    ...(table.TableType !== undefined ? { TableType: table.TableType } : {}),
    ...(table.Parameters ? { Parameters: { ...table.Parameters } } : {}),
    ...(table.PartitionKeys ? { PartitionKeys: table.PartitionKeys.map(toColumn) } : {}),
    ...(table.StorageDescriptor ? { StorageDescriptor: toStorage(table.StorageDescriptor) } : {}),
    ...(table.ViewOriginalText !== undefined ? { ViewOriginalText: table.ViewOriginalText } : {}),
    ...(table.ViewExpandedText !== undefined ? { ViewExpandedText: table.ViewExpandedText } : {}),
  };
}

function toPartitionInput(p: Partition): PartitionInput {
  return {
    Values: p.Values ?? [],
    ...(p.StorageDescriptor ? { StorageDescriptor: toStorage(p.StorageDescriptor) } : {}),
    ...(p.Parameters ? { Parameters: { ...p.Parameters } } : {}),
  };
}

function toColumn(c: { Name?: string; Type?: string; Comment?: string }) {
  return {
    Name: c.Name ?? '',
    Type: c.Type ?? '',
    ...(c.Comment !== undefined ? { Comment: c.Comment } : {}),
  };
}

function toStorage(sd: NonNullable<Table['StorageDescriptor']>): GlueStorageDescriptor {
  return {
    ...(sd.Columns ? { Columns: sd.Columns.map(toColumn) } : {}),
    ...(sd.Location !== undefined ? { Location: sd.Location } : {}),
    ...(sd.InputFormat !== undefined ? { InputFormat: sd.InputFormat } : {}),
    ...(sd.OutputFormat !== undefined ? { OutputFormat: sd.OutputFormat } : {}),
    ...(sd.Compressed !== undefined ? { Compressed: sd.Compressed } : {}),
    ...(sd.SerdeInfo
      ? {
          SerdeInfo: {
            ...(sd.SerdeInfo.SerializationLibrary !== undefined
              ? { SerializationLibrary: sd.SerdeInfo.SerializationLibrary }
              : {}),
            ...(sd.SerdeInfo.Parameters ? { Parameters: { ...sd.SerdeInfo.Parameters } } : {}),
          },
        }
      : {}),
    ...(sd.Parameters ? { Parameters: { ...sd.Parameters } } : {}),
  };
}

function dedupe(partitions: PartitionInput[]): PartitionInput[] {
  const seen = new Map<string, PartitionInput>();
  for (const p of partitions) if (!seen.has(valuesKey(p.Values))) seen.set(valuesKey(p.Values), p);
  return [...seen.values()];
}

function valuesKey(values: string[]): string {
  return JSON.stringify(values);
}

const RETRY_MARK = Symbol('retryable');

function retryable(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  (e as unknown as Record<symbol, boolean>)[RETRY_MARK] = true;
  return e;
}

function isRetryable(err: unknown): boolean {
  if (err && typeof err === 'object' && (err as Record<symbol, unknown>)[RETRY_MARK]) return true;
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return RETRYABLE.has(errorName(err)) || (status !== undefined && status >= 500);
}

function errorName(err: unknown): string {
  return (err as { name?: string })?.name ?? '';
}

function partitionError(e: PartitionError, database: string, table: string): Error {
  const code = e.ErrorDetail?.ErrorCode ?? 'UnknownError';
  const err = new Error(
    `BatchCreatePartition ${database}.${table} ${JSON.stringify(e.PartitionValues)}: ${code}: ${e.ErrorDetail?.ErrorMessage ?? ''}`,
  );
  err.name = code;
  return err;
}
