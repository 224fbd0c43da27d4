import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ContractError,
  DEFAULT_MAX_PARTITIONS_PER_FILE,
  UnknownDatasetError,
  loadContract,
  loadContracts,
  matchGlob,
  parseContract,
  partitioningOf,
  resolveDataset,
} from '../../src/core/contract/index.js';

const base = () => ({
  dataset: 'users',
  files: ['users*.csv'],
  columns: [
    { name: 'id', type: 'bigint', nullable: false },
    { name: 'email', type: 'string' },
    { name: 'created_at', type: 'timestamp' },
  ],
});

type Doc = ReturnType<typeof base> & Record<string, unknown>;

describe('parseContract', () => {
  it('accepts a full contract and keeps its fields', () => {
    const c = parseContract(
      {
        ...base(),
        csv: { delimiter: ';', header: false, nullMarkers: ['-'] },
        primaryKey: ['id'],
        partitioning: { time: 'created_at', grain: 'day', maxPartitionsPerFile: 400 },
        maxRejectRatio: 0.1,
      },
      'schemas/users.json',
    );
    expect(c.csv).toEqual({ delimiter: ';', header: false, nullMarkers: ['-'] });
    expect(c.partitioning).toEqual({ time: 'created_at', grain: 'day', maxPartitionsPerFile: 400 });
    expect(partitioningOf(c)).toEqual({
      time: 'created_at',
      column: 'created_at',
      grain: 'day',
      maxPartitionsPerFile: 400,
    });
  });

  it('partitions by ingestion hour, at most 100 partitions per file, unless the contract says otherwise', () => {
    const c = parseContract(base(), 'schemas/users.json');
    expect(c.partitioning).toBeUndefined();
    expect(partitioningOf(c)).toEqual({
      time: 'ingestion',
      grain: 'hour',
      maxPartitionsPerFile: DEFAULT_MAX_PARTITIONS_PER_FILE,
    });
    expect(DEFAULT_MAX_PARTITIONS_PER_FILE).toBe(100);
    const day = parseContract({ ...base(), partitioning: { grain: 'day' } }, 'users.json');
    expect(partitioningOf(day)).toEqual({
      time: 'ingestion',
      grain: 'day',
      maxPartitionsPerFile: 100,
    });
  });

  it('takes a date column at day grain', () => {
    const doc = base();
    doc.columns.push({ name: 'booked_on', type: 'date', nullable: false });
    const c = parseContract(
      { ...doc, partitioning: { time: 'booked_on', grain: 'day' } },
      'u.json',
    );
    expect(partitioningOf(c).column).toBe('booked_on');
  });

  it.each<[string, (d: Doc) => void, string]>([
    [
      'unknown type',
      (d) => (d.columns[2]!.type = 'integer'),
      'schemas/users.json: columns[2].type: unknown type "integer" (expected one of',
    ],
    ['unknown top field', (d) => (d.owner = 'me'), 'schemas/users.json: owner: unknown field'],
    [
      'unknown column field',
      (d) => ((d.columns[0] as Record<string, unknown>).nulable = true),
      'columns[0].nulable: unknown field',
    ],
    [
      'wrong type of nullable',
      (d) => ((d.columns[0] as Record<string, unknown>).nullable = 'no'),
      'columns[0].nullable: must be true or false',
    ],
    [
      'decimal precision',
      (d) => (d.columns[1]!.type = 'decimal(40,2)'),
      'columns[1].type: bad decimal "decimal(40,2)"',
    ],
    ['decimal scale', (d) => (d.columns[1]!.type = 'decimal(5,6)'), 'columns[1].type: bad decimal'],
    ['bad dataset name', (d) => (d.dataset = 'Users-1'), 'dataset: "Users-1" must match'],
    [
      'duplicate column',
      (d) => (d.columns[1]!.name = 'ID'),
      'columns[1].name: duplicate column name "ID"',
    ],
    [
      'reserved column',
      (d) => (d.columns[1]!.name = 'date'),
      'columns[1].name: "date" is reserved',
    ],
    [
      'bad regex',
      (d) => ((d.columns[1] as Record<string, unknown>).pattern = '(['),
      'columns[1].pattern: bad regular expression',
    ],
    ['unknown pk column', (d) => (d.primaryKey = ['uid']), 'primaryKey[0]: unknown column "uid"'],
    [
      'unknown rule column',
      (d) => (d.rules = [{ name: 'r', column: 'created_at', op: '>=', otherColumn: 'updated_at' }]),
      'rules[0].otherColumn: unknown column "updated_at"',
    ],
    [
      'bad rule op',
      (d) => (d.rules = [{ name: 'r', column: 'id', op: '=>', otherColumn: 'id' }]),
      'rules[0].op: must be one of',
    ],
    [
      'partition time not a time column',
      (d) => (d.partitioning = { time: 'email' }),
      'partitioning.time: column "email" is string; it must be a date or timestamp column, or "ingestion"',
    ],
    [
      'partition time unknown',
      (d) => (d.partitioning = { time: 'x' }),
      'partitioning.time: unknown column "x"',
    ],
    [
      'a date column at hour grain',
      (d) => {
        d.columns.push({ name: 'booked_on', type: 'date' });
        d.partitioning = { time: 'booked_on', grain: 'hour' };
      },
      'partitioning.time: column "booked_on" is a date, which has no hour: set partitioning.grain to "day"',
    ],
    [
      'unknown grain',
      (d) => (d.partitioning = { grain: 'week' }),
      'partitioning.grain: must be one of "hour", "day", got "week"',
    ],
    [
      'limit not a positive integer',
      (d) => (d.partitioning = { maxPartitionsPerFile: 0 }),
      'partitioning.maxPartitionsPerFile: must be a positive integer, got 0',
    ],
    [
      'limit a fraction',
      (d) => (d.partitioning = { maxPartitionsPerFile: 2.5 }),
      'partitioning.maxPartitionsPerFile: must be a positive integer, got 2.5',
    ],
    [
      'unknown partitioning field',
      (d) => (d.partitioning = { column: 'created_at' }),
      'partitioning.column: unknown field (allowed: time, grain, maxPartitionsPerFile)',
    ],
    [
      'partitioning not an object',
      (d) => (d.partitioning = 'day'),
      'partitioning: must be an object',
    ],
    [
      'the old partitionBy',
      (d) => (d.partitionBy = 'created_at'),
      'partitionBy: replaced by "partitioning": { "time": "created_at", "grain": "hour" }',
    ],
    ['unknown write mode', (d) => (d.writeMode = 'upsert'), 'writeMode: must be one of "append"'],
    [
      'merge without a key',
      (d) => (d.writeMode = 'merge'),
      'writeMode: "merge" needs a primaryKey',
    ],
    [
      'delete marker not boolean',
      (d) => Object.assign(d, { writeMode: 'merge', primaryKey: ['id'], deleteMarker: 'email' }),
      'deleteMarker: column "email" is string; it must be boolean',
    ],
    [
      'delete marker outside merge',
      (d) => {
        d.columns.push({ name: 'gone', type: 'boolean' });
        d.deleteMarker = 'gone';
      },
      'deleteMarker: only a "merge" table',
    ],
    [
      'formats on a string',
      (d) => ((d.columns[1] as Record<string, unknown>).formats = ['iso8601']),
      'columns[1].formats: only date and timestamp',
    ],
    [
      'bad date-fns pattern',
      (d) => ((d.columns[2] as Record<string, unknown>).formats = ['yyyy-MM-dd jj']),
      'columns[2].formats[0]: bad date-fns pattern',
    ],
    [
      'files not an array',
      (d) => ((d as Record<string, unknown>).files = 'users.csv'),
      'files: must be an array',
    ],
    ['no columns', (d) => (d.columns = []), 'columns: must list at least one column'],
    [
      'delimiter too long',
      (d) => (d.csv = { delimiter: ';;' }),
      'csv.delimiter: must be one ASCII character',
    ],
    ['unknown csv field', (d) => (d.csv = { sep: ';' }), 'csv.sep: unknown field'],
    [
      'ratio out of range',
      (d) => (d.maxRejectRatio = 2),
      'maxRejectRatio: 2 must be between 0 and 1',
    ],
    [
      'min on a string',
      (d) => ((d.columns[1] as Record<string, unknown>).min = 1),
      'columns[1].min: string columns take no min',
    ],
    [
      'bad timestamp bound',
      (d) => ((d.columns[2] as Record<string, unknown>).min = 'yesterday'),
      'columns[2].min: "yesterday" is not an ISO-8601 timestamp',
    ],
  ])('rejects %s, naming file and field', (_name, mutate, message) => {
    const doc = base() as Doc;
    mutate(doc);
    let error: unknown;
    try {
      parseContract(doc, 'schemas/users.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContractError);
    expect((error as Error).name).toBe('ContractError');
    expect((error as Error).message).toContain(message);
    expect((error as Error).message.startsWith('schemas/users.json: ')).toBe(true);
  });

  it('names the file when the JSON does not parse', () => {
    expect(() => parseContract('{ nope', 'schemas/x.json')).toThrow(
      /schemas\/x\.json: not valid JSON/,
    );
  });
});

describe('loading and resolving', () => {
  const dir = mkdtempSync(join(tmpdir(), 'contracts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every shipped contract', async () => {
    const contracts = await loadContracts('schemas');
    expect(contracts.map((c) => c.dataset).sort()).toEqual([
      'departments',
      'hired_employees',
      'jobs',
      'transactions',
      'users',
    ]);
  });

  it('refuses a contract stored under another name', async () => {
    writeFileSync(join(dir, 'other.json'), JSON.stringify(base()));
    await expect(loadContracts(dir)).rejects.toThrow(
      /other\.json: dataset: "users" must be stored as users\.json/,
    );
  });

  it('names the path of an unreadable file', async () => {
    await expect(loadContract(join(dir, 'missing.json'))).rejects.toBeInstanceOf(ContractError);
  });

  it.each([
    ['incoming/2024/hired_employees.csv', 'hired_employees'],
    ['hired_employees_2021.csv', 'hired_employees'],
    ['a/b/users.csv', 'users'],
    ['transactions-march.csv', 'transactions'],
    ['departments.csv', 'departments'],
  ])('resolves %s to %s', async (key, dataset) => {
    const contracts = await loadContracts('schemas');
    expect(resolveDataset(contracts, key).dataset).toBe(dataset);
  });

  it.each(['users.csv/readme.txt', 'unknown.csv', 'users.csv.bak', 'xusers.csv'])(
    'refuses %s with UnknownDatasetError',
    async (key) => {
      const contracts = await loadContracts('schemas');
      expect(() => resolveDataset(contracts, key)).toThrow(UnknownDatasetError);
    },
  );
});

describe('matchGlob', () => {
  it.each<[string, string, boolean]>([
    ['*.csv', 'a.csv', true],
    ['*.csv', 'a.csvx', false],
    ['a?c.csv', 'abc.csv', true],
    ['a?c.csv', 'ac.csv', false],
    ['a.csv', 'abcsv', false],
    ['users(1)+.csv', 'users(1)+.csv', true],
    ['[ab].csv', 'a.csv', false],
  ])('%s vs %s → %s', (pattern, name, expected) => {
    expect(matchGlob(pattern, name)).toBe(expected);
  });
});
