import {
  AlreadyExistsException,
  BatchCreatePartitionCommand,
  ConcurrentModificationException,
  CreateDatabaseCommand,
  CreateTableCommand,
  EntityNotFoundException,
  GetDatabaseCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  ThrottlingException,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { Table, UpdateTableCommandInput } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DatabaseNotFoundError,
  GlueCatalog,
  GLUE_PARTITION_BATCH,
} from '../../src/aws/glueCatalog.js';
import {
  CatalogBusyError,
  PartitioningChangedError,
  SchemaConflictError,
} from '../../src/core/catalog/errors.js';
import { curatedTableInput, partitionInput } from '../../src/core/catalog/tableInput.js';
import type { TableInput } from '../../src/core/catalog/glueTypes.js';
import type { Contract } from '../../src/core/contract/types.js';

const glue = mockClient(GlueClient);
const meta = { $metadata: {} };
const notFound = () => new EntityNotFoundException({ message: 'not found', ...meta });
const contract: Contract = {
  dataset: 'users',
  files: ['users*.csv'],
  columns: [
    { name: 'id', type: 'bigint', nullable: false },
    { name: 'email', type: 'string' },
  ],
};
const LOCATION = 's3://curated/users/';
const withColumn = (name: string) =>
  curatedTableInput(
    { ...contract, columns: [...contract.columns, { name, type: 'string' }] },
    LOCATION,
  );
const catalog = () =>
  new GlueCatalog(new GlueClient({ region: 'eu-west-1' }), {
    sleep: async () => {},
    random: () => 0.5,
    maxAttempts: 4,
  });

/** Glue's Table as GetTable returns it: the input plus server fields a TableInput must not carry. */
function asTable(input: TableInput, version: number): Table {
  return {
    ...input,
    DatabaseName: 'lake_dev',
    CreateTime: new Date(0),
    VersionId: String(version),
    CatalogId: '123456789012',
    IsRegisteredWithLakeFormation: false,
  } as Table;
}

beforeEach(() => glue.reset());
afterEach(() => glue.reset());

describe('ensureDatabase', () => {
  it('creates a missing database and tolerates a concurrent creator', async () => {
    glue.on(GetDatabaseCommand).rejects(notFound());
    glue
      .on(CreateDatabaseCommand)
      .rejects(new AlreadyExistsException({ message: 'exists', ...meta }));
    await catalog().ensureDatabase('lake_dev');
    expect(glue.commandCalls(CreateDatabaseCommand)[0]!.args[0].input).toEqual({
      DatabaseInput: { Name: 'lake_dev' },
    });
  });

  it('with createDatabase: false (the Lambdas), a missing database is DatabaseNotFoundError', async () => {
    glue.on(GetDatabaseCommand).rejects(notFound());
    const lambdaCatalog = new GlueCatalog(new GlueClient({ region: 'eu-west-1' }), {
      createDatabase: false,
      sleep: async () => {},
    });
    const err = await lambdaCatalog.ensureDatabase('lake_dev').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseNotFoundError);
    expect((err as Error).name).toBe('DatabaseNotFoundError');
    expect(glue.commandCalls(CreateDatabaseCommand)).toHaveLength(0);
  });

  it('does nothing when the database exists', async () => {
    glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'lake_dev' } });
    await catalog().ensureDatabase('lake_dev');
    expect(glue.commandCalls(CreateDatabaseCommand)).toHaveLength(0);
  });
});

describe('ensureTable', () => {
  it('creates a missing table with the TableInput unchanged', async () => {
    glue.on(GetTableCommand).rejects(notFound());
    glue.on(CreateTableCommand).resolves({});
    const input = curatedTableInput(contract, LOCATION);
    await catalog().ensureTable('lake_dev', input);
    expect(glue.commandCalls(CreateTableCommand)[0]!.args[0].input).toEqual({
      DatabaseName: 'lake_dev',
      TableInput: input,
    });
  });

  it('leaves an up-to-date table alone', async () => {
    glue.on(GetTableCommand).resolves({ Table: asTable(curatedTableInput(contract, LOCATION), 1) });
    await catalog().ensureTable('lake_dev', curatedTableInput(contract, LOCATION));
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
  });

  it('adds a nullable column with UpdateTable at the VersionId it read, sending TableInput fields only', async () => {
    glue.on(GetTableCommand).resolves({ Table: asTable(curatedTableInput(contract, LOCATION), 7) });
    glue.on(UpdateTableCommand).resolves({});
    await catalog().ensureTable('lake_dev', withColumn('country'));
    const input = glue.commandCalls(UpdateTableCommand)[0]!.args[0].input;
    expect(input.VersionId).toBe('7');
    expect(input.TableInput?.StorageDescriptor?.Columns?.map((c) => c.Name)).toContain('country');
    expect(Object.keys(input.TableInput ?? {})).not.toContain('VersionId');
    expect(Object.keys(input.TableInput ?? {})).not.toContain('CreateTime');
    expect(Object.keys(input.TableInput ?? {})).not.toContain('DatabaseName');
  });

  it('refuses a type change with SchemaConflictError and does not update', async () => {
    glue.on(GetTableCommand).resolves({ Table: asTable(curatedTableInput(contract, LOCATION), 1) });
    const changed = curatedTableInput(
      { ...contract, columns: [{ name: 'id', type: 'string' }, contract.columns[1]!] },
      LOCATION,
    );
    await expect(catalog().ensureTable('lake_dev', changed)).rejects.toBeInstanceOf(
      SchemaConflictError,
    );
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
  });

  it('refuses a partitioning change with PartitioningChangedError and does not update', async () => {
    glue.on(GetTableCommand).resolves({ Table: asTable(curatedTableInput(contract, LOCATION), 1) });
    const byDay = curatedTableInput({ ...contract, partitioning: { grain: 'day' } }, LOCATION);
    const err = await catalog()
      .ensureTable('lake_dev', byDay)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartitioningChangedError);
    expect((err as Error).name).toBe('PartitioningChangedError');
    expect((err as Error).message).toContain('partitioning.grain');
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
  });

  it('re-plans when a concurrent writer created the table first', async () => {
    glue
      .on(GetTableCommand)
      .rejectsOnce(notFound())
      .resolves({ Table: asTable(curatedTableInput(contract, LOCATION), 1) });
    glue.on(CreateTableCommand).rejects(new AlreadyExistsException({ message: 'exists', ...meta }));
    glue.on(UpdateTableCommand).resolves({});
    await catalog().ensureTable('lake_dev', withColumn('country'));
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(1);
  });

  it('keeps both columns when two writers add different columns at once (optimistic concurrency)', async () => {
    // A tiny Glue: one table with a version; UpdateTable at a stale version fails as Glue does.
    let stored = asTable(curatedTableInput(contract, LOCATION), 1);
    glue.on(GetTableCommand).callsFake(async () => ({ Table: structuredClone(stored) }));
    glue.on(UpdateTableCommand).callsFake(async (input: UpdateTableCommandInput) => {
      if (input.VersionId !== stored.VersionId) {
        throw new ConcurrentModificationException({ message: 'version changed', ...meta });
      }
      stored = asTable(input.TableInput as TableInput, Number(stored.VersionId) + 1);
      return {};
    });
    const c = catalog();
    await Promise.all([
      c.ensureTable('lake_dev', withColumn('country')),
      c.ensureTable('lake_dev', withColumn('plan')),
    ]);
    const names = stored.StorageDescriptor?.Columns?.map((col) => col.Name) ?? [];
    expect(names).toContain('country');
    expect(names).toContain('plan');
    expect(names.filter((n) => n === '_source_key')).toHaveLength(1);
    // One of the two updates lost the race and was re-merged.
    expect(glue.commandCalls(UpdateTableCommand).length).toBe(3);
    for (const call of glue.commandCalls(UpdateTableCommand))
      expect(call.args[0].input.VersionId).toBeDefined();
  });

  it('gives up with CatalogBusyError (a TransientError) when contention outlasts the retries', async () => {
    glue.on(GetTableCommand).resolves({ Table: asTable(curatedTableInput(contract, LOCATION), 1) });
    glue
      .on(UpdateTableCommand)
      .rejects(new ConcurrentModificationException({ message: 'busy', ...meta }));
    const err = await catalog()
      .ensureTable('lake_dev', withColumn('country'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogBusyError);
    expect((err as Error).name).toBe('CatalogBusyError');
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(4);
  });

  it('passes other errors through unchanged', async () => {
    const denied = Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
    glue.on(GetTableCommand).rejects(denied);
    await expect(catalog().ensureTable('lake_dev', withColumn('x'))).rejects.toThrow('denied');
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(1);
  });
});

describe('registerPartitions', () => {
  const table = curatedTableInput(contract, LOCATION);
  const hours = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      partitionInput(
        table,
        `2021-${String(1 + Math.floor(i / 24 / 28)).padStart(2, '0')}-${String(1 + (Math.floor(i / 24) % 28)).padStart(2, '0')}`,
        i % 24,
      ),
    );

  it('sends batches of at most 100 and counts created partitions', async () => {
    glue.on(BatchCreatePartitionCommand).resolves({ Errors: [] });
    const result = await catalog().registerPartitions('lake_dev', 'users', hours(250));
    const sizes = glue
      .commandCalls(BatchCreatePartitionCommand)
      .map((c) => c.args[0].input.PartitionInputList?.length);
    expect(sizes).toEqual([GLUE_PARTITION_BATCH, GLUE_PARTITION_BATCH, 50]);
    expect(result).toEqual({ created: 250, existing: 0 });
    const first = glue.commandCalls(BatchCreatePartitionCommand)[0]!.args[0].input;
    expect(first.DatabaseName).toBe('lake_dev');
    expect(first.TableName).toBe('users');
    expect(first.PartitionInputList?.[0]?.StorageDescriptor?.Location).toBe(
      's3://curated/users/date=2021-01-01/hour=00/',
    );
  });

  it('treats AlreadyExists as done, and collapses duplicate inputs', async () => {
    const ps = hours(3);
    glue.on(BatchCreatePartitionCommand).resolves({
      Errors: [
        {
          PartitionValues: ps[1]!.Values,
          ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'exists' },
        },
      ],
    });
    const result = await catalog().registerPartitions('lake_dev', 'users', [...ps, ps[0]!]);
    expect(result).toEqual({ created: 2, existing: 1 });
    expect(
      glue.commandCalls(BatchCreatePartitionCommand)[0]!.args[0].input.PartitionInputList,
    ).toHaveLength(3);
  });

  it('retries only the partitions that hit a retryable error, and throttled calls', async () => {
    const ps = hours(3);
    glue
      .on(BatchCreatePartitionCommand)
      .rejectsOnce(new ThrottlingException({ message: 'slow down', ...meta }))
      .resolvesOnce({
        Errors: [
          {
            PartitionValues: ps[2]!.Values,
            ErrorDetail: { ErrorCode: 'ConcurrentModificationException' },
          },
        ],
      })
      .resolves({ Errors: [] });
    const result = await catalog().registerPartitions('lake_dev', 'users', ps);
    const lists = glue
      .commandCalls(BatchCreatePartitionCommand)
      .map((c) => c.args[0].input.PartitionInputList?.map((p) => p.Values?.join('/')));
    expect(lists).toEqual([
      ps.map((p) => p.Values.join('/')),
      ps.map((p) => p.Values.join('/')),
      [ps[2]!.Values.join('/')],
    ]);
    expect(result).toEqual({ created: 3, existing: 0 });
  });

  it('fails on a partition error no retry can cure, naming it', async () => {
    const ps = hours(1);
    glue.on(BatchCreatePartitionCommand).resolves({
      Errors: [
        {
          PartitionValues: ps[0]!.Values,
          ErrorDetail: {
            ErrorCode: 'EntityNotFoundException',
            ErrorMessage: 'table users not found',
          },
        },
      ],
    });
    const err = (await catalog()
      .registerPartitions('lake_dev', 'users', ps)
      .catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('EntityNotFoundException');
    expect(err.message).toMatch(/table users not found/);
  });

  it('does nothing for an empty list', async () => {
    expect(await catalog().registerPartitions('lake_dev', 'users', [])).toEqual({
      created: 0,
      existing: 0,
    });
    expect(glue.commandCalls(BatchCreatePartitionCommand)).toHaveLength(0);
  });
});

describe('reads', () => {
  it("getTable maps Glue's Table to a TableInput, undefined when missing", async () => {
    const input = curatedTableInput(contract, LOCATION);
    glue.on(GetTableCommand, { Name: 'users' }).resolves({ Table: asTable(input, 3) });
    glue.on(GetTableCommand, { Name: 'nope' }).rejects(notFound());
    expect(await catalog().getTable('lake_dev', 'users')).toEqual(input);
    expect(await catalog().getTable('lake_dev', 'nope')).toBeUndefined();
  });

  it('listTables and listPartitions follow NextToken through every page', async () => {
    const input = curatedTableInput(contract, LOCATION);
    glue
      .on(GetTablesCommand)
      .resolvesOnce({ TableList: [asTable(input, 1)], NextToken: 't2' })
      .resolvesOnce({ TableList: [asTable({ ...input, Name: 'users_rejected' }, 1)] });
    const tables = await catalog().listTables('lake_dev');
    expect(tables.map((t) => t.Name)).toEqual(['users', 'users_rejected']);
    expect(glue.commandCalls(GetTablesCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      't2',
    ]);

    const p = partitionInput(input, '2021-07-01', 9);
    glue
      .on(GetPartitionsCommand)
      .resolvesOnce({
        Partitions: [{ ...p, DatabaseName: 'lake_dev', TableName: 'users' }],
        NextToken: 'p2',
      })
      .resolvesOnce({ Partitions: [{ ...partitionInput(input, '2021-07-01', 10) }] });
    const parts = await catalog().listPartitions('lake_dev', 'users');
    expect(parts.map((x) => x.Values)).toEqual([
      ['2021-07-01', '09'],
      ['2021-07-01', '10'],
    ]);
    expect(parts[0]).toEqual(p);
  });
});
