import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PartitioningChangedError, SchemaConflictError } from '../../src/core/catalog/errors.js';
import { curatedTableInput, partitionInput } from '../../src/core/catalog/tableInput.js';
import type { Contract } from '../../src/core/contract/types.js';
import { TerminalError } from '../../src/core/errors.js';
import { LocalCatalog } from '../../src/local/catalog/index.js';

const contract: Contract = {
  dataset: 'jobs',
  files: ['jobs*.csv'],
  columns: [
    { name: 'id', type: 'int', nullable: false },
    { name: 'job', type: 'string' },
  ],
};
const LOCATION = 's3://lake-curated/jobs/';

let dir: string;
let catalog: LocalCatalog;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lake-catalog-'));
  catalog = new LocalCatalog(dir);
  await catalog.ensureDatabase('lake');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LocalCatalog', () => {
  it('creates a table once and persists it across instances', async () => {
    const table = curatedTableInput(contract, LOCATION);
    await catalog.ensureTable('lake', table);
    await catalog.ensureTable('lake', table);
    const again = new LocalCatalog(dir);
    expect(await again.getTable('lake', 'jobs')).toEqual(table);
    expect((await again.listTables('lake')).map((t) => t.Name)).toEqual(['jobs']);
    expect(await again.getTable('lake', 'missing')).toBeUndefined();
  });

  it('adds new nullable columns and refuses type changes and new required columns', async () => {
    await catalog.ensureTable('lake', curatedTableInput(contract, LOCATION));
    const wider: Contract = {
      ...contract,
      columns: [...contract.columns, { name: 'level', type: 'string' }],
    };
    await catalog.ensureTable('lake', curatedTableInput(wider, LOCATION));
    const names = (await catalog.getTable('lake', 'jobs'))!.StorageDescriptor!.Columns!.map(
      (c) => c.Name,
    );
    expect(names).toContain('level');

    const retyped: Contract = {
      ...contract,
      columns: [{ name: 'id', type: 'string', nullable: false }, contract.columns[1]!],
    };
    const err = await catalog
      .ensureTable('lake', curatedTableInput(retyped, LOCATION))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaConflictError);
    expect(err).toBeInstanceOf(TerminalError);
    expect((err as Error).name).toBe('SchemaConflictError');

    const required: Contract = {
      ...contract,
      columns: [...contract.columns, { name: 'grade', type: 'int', nullable: false }],
    };
    await expect(
      catalog.ensureTable('lake', curatedTableInput(required, LOCATION)),
    ).rejects.toBeInstanceOf(SchemaConflictError);
  });

  it('refuses a change of partitioning with PartitioningChangedError, keeping the table as it was', async () => {
    const byDay: Contract = { ...contract, partitioning: { grain: 'day' } };
    await catalog.ensureTable('lake', curatedTableInput(byDay, LOCATION));
    const err = await catalog
      .ensureTable('lake', curatedTableInput(contract, LOCATION))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartitioningChangedError);
    expect(err).toBeInstanceOf(TerminalError);
    expect((err as Error).name).toBe('PartitioningChangedError');
    expect((err as Error).message).toContain(
      'partitioning.grain would change from "day" to "hour"',
    );
    const stored = await new LocalCatalog(dir).getTable('lake', 'jobs');
    expect(stored?.PartitionKeys?.map((k) => k.Name)).toEqual(['date']);
    // A day-grain table takes [date] partitions.
    const table = curatedTableInput(byDay, LOCATION);
    await catalog.registerPartitions('lake', 'jobs', [partitionInput(table, '2021-01-01')]);
    expect((await catalog.listPartitions('lake', 'jobs')).map((p) => p.Values)).toEqual([
      ['2021-01-01'],
    ]);
  });

  it('counts partitions that already exist as done', async () => {
    const table = curatedTableInput(contract, LOCATION);
    await catalog.ensureTable('lake', table);
    const p1 = partitionInput(table, '2021-01-01', 0);
    const p2 = partitionInput(table, '2021-01-01', 1);
    expect(await catalog.registerPartitions('lake', 'jobs', [p1])).toEqual({
      created: 1,
      existing: 0,
    });
    expect(await catalog.registerPartitions('lake', 'jobs', [p1, p2])).toEqual({
      created: 1,
      existing: 1,
    });
    const listed = await new LocalCatalog(dir).listPartitions('lake', 'jobs');
    expect(listed.map((p) => p.Values)).toEqual([
      ['2021-01-01', '00'],
      ['2021-01-01', '01'],
    ]);
    expect(listed[1]!.StorageDescriptor!.Location).toBe(
      's3://lake-curated/jobs/date=2021-01-01/hour=01/',
    );
  });

  it('loses no partition under 20 concurrent commits to one table', async () => {
    const table = curatedTableInput(contract, LOCATION);
    await catalog.ensureTable('lake', table);
    // Every commit shares hour 0 and adds one hour of its own (overlapping partitions).
    const commits = Array.from({ length: 20 }, (_, i) =>
      catalog.registerPartitions('lake', 'jobs', [
        partitionInput(table, '2021-02-01', 0),
        partitionInput(table, `2021-02-${String(2 + i).padStart(2, '0')}`, i % 24),
      ]),
    );
    const results = await Promise.all(commits);
    expect(results.reduce((n, r) => n + r.created, 0)).toBe(21);
    expect(results.reduce((n, r) => n + r.existing, 0)).toBe(19);
    expect(await new LocalCatalog(dir).listPartitions('lake', 'jobs')).toHaveLength(21);
  });

  it('refuses tables in a missing database and partitions of a missing table', async () => {
    const table = curatedTableInput(contract, LOCATION);
    await expect(catalog.ensureTable('nodb', table)).rejects.toBeInstanceOf(TerminalError);
    await expect(
      catalog.registerPartitions('lake', 'jobs', [partitionInput(table, '2021-01-01', 0)]),
    ).rejects.toThrow(/ensureTable/);
  });
});
