import { describe, expect, it } from 'vitest';
import type { ColumnType, Contract } from '../../src/core/contract/types.js';
import {
  CatalogInputError,
  PartitioningChangedError,
  SchemaConflictError,
} from '../../src/core/catalog/errors.js';
import { planTableUpdate } from '../../src/core/catalog/schemaEvolution.js';
import {
  AUDIT_COLUMNS,
  PARQUET_FORMAT,
  curatedTableInput,
  glueType,
  partitionInput,
  partitionPath,
  partitionValues,
  rejectedTableInput,
} from '../../src/core/catalog/tableInput.js';

const contract: Contract = {
  dataset: 'users',
  description: 'app users',
  files: ['users*.csv'],
  columns: [
    { name: 'id', type: 'bigint', nullable: false },
    { name: 'email', type: 'string', description: 'login' },
    { name: 'age', type: 'int' },
    { name: 'score', type: 'double' },
    { name: 'balance', type: 'decimal(12,2)' },
    { name: 'active', type: 'boolean' },
    { name: 'born', type: 'date' },
    { name: 'created_at', type: 'timestamp' },
  ],
};

describe('glueType', () => {
  it.each([
    ['string', 'string'],
    ['int', 'int'],
    ['bigint', 'bigint'],
    ['double', 'double'],
    ['boolean', 'boolean'],
    ['date', 'date'],
    ['timestamp', 'timestamp'],
    ['decimal(38,0)', 'decimal(38,0)'],
    ['decimal(5,5)', 'decimal(5,5)'],
  ])('%s -> %s', (input, expected) => {
    expect(glueType(input as ColumnType)).toBe(expected);
  });

  it.each(['decimal(39,2)', 'decimal(3,4)', 'decimal(0,0)', 'float', 'varchar'])(
    'refuses %s',
    (input) => {
      expect(() => glueType(input as ColumnType)).toThrow(CatalogInputError);
    },
  );
});

describe('curatedTableInput', () => {
  const table = curatedTableInput(contract, 's3://curated-bucket/users');

  it('maps every contract column to its Glue type, then the audit columns', () => {
    const cols = table.StorageDescriptor?.Columns ?? [];
    expect(cols.map((c) => [c.Name, c.Type])).toEqual([
      ['id', 'bigint'],
      ['email', 'string'],
      ['age', 'int'],
      ['score', 'double'],
      ['balance', 'decimal(12,2)'],
      ['active', 'boolean'],
      ['born', 'date'],
      ['created_at', 'timestamp'],
      ['_source_key', 'string'],
      ['_source_version', 'string'],
      ['_row_number', 'bigint'],
      ['_ingested_at', 'timestamp'],
      ['_execution_id', 'string'],
    ]);
    expect(cols[1]?.Comment).toBe('login');
  });

  it('is a partitioned external Parquet table at the given location', () => {
    expect(table.Name).toBe('users');
    expect(table.TableType).toBe('EXTERNAL_TABLE');
    expect(table.Parameters?.classification).toBe('parquet');
    expect(table.Parameters?.['lake.required_columns']).toBe('id');
    expect(table.PartitionKeys?.map((c) => [c.Name, c.Type])).toEqual([
      ['date', 'date'],
      ['hour', 'int'],
    ]);
    expect(table.StorageDescriptor?.Location).toBe('s3://curated-bucket/users/');
    expect(table.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(
      PARQUET_FORMAT.SerializationLibrary,
    );
    expect(table.StorageDescriptor?.InputFormat).toBe(PARQUET_FORMAT.InputFormat);
    expect(table.StorageDescriptor?.OutputFormat).toBe(PARQUET_FORMAT.OutputFormat);
  });

  it('records the partitioning in its parameters, ingestion hour by default', () => {
    expect(table.Parameters).toMatchObject({
      'lake.partition_time': 'ingestion',
      'lake.partition_grain': 'hour',
    });
  });

  it('has the date key only at day grain', () => {
    const byDay = { ...contract, partitioning: { time: 'created_at', grain: 'day' as const } };
    const t = curatedTableInput(byDay, 's3://curated-bucket/users/');
    expect(t.PartitionKeys?.map((c) => [c.Name, c.Type])).toEqual([['date', 'date']]);
    expect(t.Parameters).toMatchObject({
      'lake.partition_time': 'created_at',
      'lake.partition_grain': 'day',
    });
    const rejected = rejectedTableInput(byDay, 's3://curated-bucket/users_rejected/');
    expect(rejected.PartitionKeys?.map((c) => c.Name)).toEqual(['date']);
    // Rejected rows may lack a valid time value: they always lie by ingestion time.
    expect(rejected.Parameters).toMatchObject({
      'lake.partition_time': 'ingestion',
      'lake.partition_grain': 'day',
    });
  });

  it('refuses a column that clashes with a partition key or audit column, and non-s3 locations', () => {
    const clash = {
      ...contract,
      columns: [...contract.columns, { name: 'Date', type: 'string' as const }],
    };
    expect(() => curatedTableInput(clash, 's3://b/users/')).toThrow(CatalogInputError);
    const audit = { ...contract, columns: [{ name: '_row_number', type: 'int' as const }] };
    expect(() => curatedTableInput(audit, 's3://b/users/')).toThrow(/audit/);
    expect(() => curatedTableInput(contract, '/tmp/users')).toThrow(/s3:\/\//);
  });
});

describe('rejectedTableInput', () => {
  it('has every contract column as string, the reasons, then the audit columns', () => {
    const table = rejectedTableInput(contract, 's3://curated-bucket/users_rejected/');
    const cols = table.StorageDescriptor?.Columns ?? [];
    expect(table.Name).toBe('users_rejected');
    expect(cols.map((c) => c.Name)).toEqual([
      ...contract.columns.map((c) => c.name),
      '_raw_record',
      '_errors',
      '_error_codes',
      ...AUDIT_COLUMNS.map((c) => c.Name),
    ]);
    expect(cols.slice(0, contract.columns.length + 3).every((c) => c.Type === 'string')).toBe(true);
    expect(table.PartitionKeys?.map((c) => c.Name)).toEqual(['date', 'hour']);
    expect(table.StorageDescriptor?.Location).toBe('s3://curated-bucket/users_rejected/');
  });
});

describe('partitionInput', () => {
  const table = curatedTableInput(contract, 's3://curated-bucket/users/');

  it('places the partition under the Hive-style path with [date, HH] values', () => {
    const p = partitionInput(table, '2021-07-01', 9);
    expect(p.Values).toEqual(['2021-07-01', '09']);
    expect(p.StorageDescriptor?.Location).toBe(
      's3://curated-bucket/users/date=2021-07-01/hour=09/',
    );
    expect(p.StorageDescriptor?.Columns).toEqual(table.StorageDescriptor?.Columns);
    expect(p.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(
      PARQUET_FORMAT.SerializationLibrary,
    );
  });

  it('gives a day-grain table [date] values under date=YYYY-MM-DD/', () => {
    const day = curatedTableInput(
      { ...contract, partitioning: { grain: 'day' } },
      's3://curated-bucket/users/',
    );
    const p = partitionInput(day, '2021-07-01');
    expect(p.Values).toEqual(['2021-07-01']);
    expect(p.StorageDescriptor?.Location).toBe('s3://curated-bucket/users/date=2021-07-01/');
    expect(() => partitionInput(day, '2021-07-01', 9)).toThrow(/date only \(day grain\)/);
    expect(() => partitionInput(table, '2021-07-01')).toThrow(/give the hour/);
    expect(partitionPath('2021-07-01')).toBe('date=2021-07-01/');
    expect(partitionValues('2021-07-01')).toEqual(['2021-07-01']);
  });

  it('does not share mutable state with the table', () => {
    const p = partitionInput(table, '2021-07-01', '23');
    p.StorageDescriptor!.Columns![0]!.Name = 'changed';
    expect(table.StorageDescriptor?.Columns?.[0]?.Name).toBe('id');
  });

  it.each([
    ['2021-02-30', 1],
    ['2021-7-1', 1],
    ['../x', 1],
    ['2021-07-01', 24],
    ['2021-07-01', -1],
    ['2021-07-01', '1a'],
    ['2021-07-01', 1.5],
  ])('refuses date %s hour %s', (date, hour) => {
    expect(() => partitionValues(date, hour)).toThrow(CatalogInputError);
  });
});

describe('planTableUpdate', () => {
  const base = curatedTableInput(contract, 's3://curated-bucket/users/');

  it('does nothing when the input matches, or only lacks columns the catalogue has', () => {
    expect(
      planTableUpdate(base, curatedTableInput(contract, 's3://curated-bucket/users/')),
    ).toEqual({ action: 'none' });
    const older = { ...contract, columns: contract.columns.slice(0, 3) };
    expect(planTableUpdate(base, curatedTableInput(older, 's3://curated-bucket/users/'))).toEqual({
      action: 'none',
    });
  });

  it('adds nullable columns and keeps columns only the catalogue knows', () => {
    const existing = curatedTableInput(
      { ...contract, columns: [...contract.columns, { name: 'legacy', type: 'string' }] },
      's3://curated-bucket/users/',
    );
    const next = curatedTableInput(
      { ...contract, columns: [...contract.columns, { name: 'country', type: 'string' }] },
      's3://curated-bucket/users/',
    );
    const plan = planTableUpdate(existing, next);
    expect(plan.action).toBe('update');
    const names =
      plan.action === 'update' ? plan.table.StorageDescriptor?.Columns?.map((c) => c.Name) : [];
    expect(names).toContain('country');
    expect(names).toContain('legacy');
    expect(names?.indexOf('country')).toBeLessThan(names?.indexOf('_source_key') ?? -1);
  });

  it.each([
    [
      'a changed type',
      {
        ...contract,
        columns: contract.columns.map((c) =>
          c.name === 'age' ? { ...c, type: 'bigint' as const } : c,
        ),
      },
      's3://curated-bucket/users/',
    ],
    [
      'a new non-nullable column',
      {
        ...contract,
        columns: [
          ...contract.columns,
          { name: 'tenant', type: 'string' as const, nullable: false },
        ],
      },
      's3://curated-bucket/users/',
    ],
    ['a moved location', contract, 's3://other-bucket/users/'],
  ])('refuses %s', (_label, next, location) => {
    expect(() => planTableUpdate(base, curatedTableInput(next, location))).toThrow(
      SchemaConflictError,
    );
  });
});

describe('planTableUpdate and partitioning', () => {
  const at = (partitioning: Contract['partitioning']) =>
    curatedTableInput({ ...contract, partitioning }, 's3://curated-bucket/users/');

  it.each<[string, Contract['partitioning'], Contract['partitioning'], RegExp]>([
    [
      'ingestion time to a column',
      undefined,
      { time: 'created_at' },
      /partitioning\.time would change from "ingestion" to "created_at"/,
    ],
    [
      'one column to another',
      { time: 'created_at', grain: 'day' },
      { time: 'born', grain: 'day' },
      /partitioning\.time would change from "created_at" to "born"/,
    ],
    [
      'hour grain to day grain',
      { time: 'created_at' },
      { time: 'created_at', grain: 'day' },
      /partitioning\.grain would change from "hour" to "day"/,
    ],
  ])('refuses %s with PartitioningChangedError', (_what, was, will, message) => {
    let error: unknown;
    try {
      planTableUpdate(at(was), at(will));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PartitioningChangedError);
    expect((error as Error).name).toBe('PartitioningChangedError');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain('lake reprocess');
  });

  it('accepts a new limit: maxPartitionsPerFile guards files, not the layout', () => {
    expect(
      planTableUpdate(
        at({ time: 'created_at', grain: 'day' }),
        at({ time: 'created_at', grain: 'day', maxPartitionsPerFile: 5000 }),
      ),
    ).toEqual({ action: 'none' });
  });

  it('refuses a grain change on a table catalogued before partitioning was recorded', () => {
    const legacy = at(undefined);
    delete legacy.Parameters!['lake.partition_time'];
    delete legacy.Parameters!['lake.partition_grain'];
    expect(() => planTableUpdate(legacy, at({ grain: 'day' }))).toThrow(PartitioningChangedError);
    // Same keys: the table adopts the recorded partitioning.
    const plan = planTableUpdate(legacy, at(undefined));
    expect(plan.action).toBe('update');
    expect(plan.action === 'update' && plan.table.Parameters).toMatchObject({
      'lake.partition_time': 'ingestion',
      'lake.partition_grain': 'hour',
    });
  });
});
