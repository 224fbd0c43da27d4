import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transform } from '../../src/core/transform/index.js';
import { LocalFolderSink } from '../../src/core/sinks/index.js';
import { piecesOf, sampleBytes, sampleContract } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'core-roundtrip-'));
let conn: DuckDBConnection;
const rejectedRows = new Map<string, Set<number>>();

async function load(file: string, contract = sampleContract(file.replace(/\.csv$/, ''))) {
  const summary = await transform({
    contract,
    source: { key: `incoming/${file}`, version: 'v7', sourceId: 'rt' },
    body: piecesOf(sampleBytes(file)),
    sink: new LocalFolderSink(dir),
    executionId: 'exec-rt',
    ingestedAt: new Date('2025-01-02T03:04:05Z'),
  });
  expect(summary.rowsRead).toBe(summary.rowsCurated + summary.rowsRejected);
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

const scan = (dataset: string) =>
  `read_parquet('${dir}/${dataset}/**/*.parquet', hive_partitioning = true)`;

/** Source records of a sample file (papaparse on the whole text: an independent reader). */
function source(file: string, header: boolean): string[][] {
  const text = new TextDecoder().decode(sampleBytes(file));
  const data = Papa.parse<string[]>(text.trim(), { delimiter: ',' }).data;
  return header ? data.slice(1) : data;
}

beforeAll(async () => {
  for (const f of ['transactions.csv', 'users.csv', 'hired_employees.csv', 'departments.csv'])
    await load(f);
  // The sample lies by ingestion day; by hire hour it needs a raised limit (a backfill).
  await load('hired_employees.csv', {
    ...sampleContract('hired_employees'),
    dataset: 'hired_by_hour',
    partitioning: { time: 'datetime', grain: 'hour', maxPartitionsPerFile: 2000 },
  });
  const db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
  await conn.run("SET TimeZone = 'UTC'");
  for (const [dataset] of [['transactions'], ['users'], ['hired_employees']]) {
    const rows = await query(`SELECT _row_number FROM ${scan(`${dataset}_rejected`)}`);
    rejectedRows.set(dataset!, new Set(rows.map((r) => Number(r._row_number))));
  }
});

afterAll(() => {
  conn?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe('DuckDB reads what transform writes', () => {
  it('types transactions as the contract says', async () => {
    const described = await query(`DESCRIBE SELECT * FROM ${scan('transactions')}`);
    const types = Object.fromEntries(described.map((r) => [r.column_name, r.column_type]));
    expect(types).toMatchObject({
      transaction_id: 'VARCHAR',
      user_id: 'BIGINT',
      amount: 'DECIMAL(12,2)',
      currency: 'VARCHAR',
      business_date: 'DATE',
      _source_key: 'VARCHAR',
      _source_version: 'VARCHAR',
      _row_number: 'BIGINT',
      _execution_id: 'VARCHAR',
    });
    expect(types.booked_at).toMatch(/^TIMESTAMP( WITH TIME ZONE)?$/);
    expect(types._ingested_at).toMatch(/^TIMESTAMP( WITH TIME ZONE)?$/);
  });

  it('gives back every curated transaction value, partitioned by business day', async () => {
    const rows = await query(
      `SELECT transaction_id, user_id::VARCHAR AS user_id, amount::VARCHAR AS amount, currency, business_date::VARCHAR AS business_date,
              epoch_ms(booked_at::TIMESTAMP)::DOUBLE AS booked_ms, date::VARCHAR AS date,
              _row_number::INTEGER AS n, _source_key, _source_version, _execution_id, epoch_ms(_ingested_at::TIMESTAMP)::DOUBLE AS ingested_ms
       FROM ${scan('transactions')} ORDER BY n`,
    );
    const src = source('transactions.csv', true);
    const rejected = rejectedRows.get('transactions')!;
    const expected = src.map((f, i) => ({ f, n: i + 1 })).filter(({ n }) => !rejected.has(n));
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      const { f, n } = expected[i]!;
      const booked = Date.parse(f[5]!);
      expect(row).toEqual({
        transaction_id: f[0],
        user_id: f[1],
        amount: f[2],
        currency: f[3],
        business_date: f[4],
        booked_ms: booked,
        date: f[4],
        n,
        _source_key: 'incoming/transactions.csv',
        _source_version: 'v7',
        _execution_id: 'exec-rt',
        ingested_ms: Date.parse('2025-01-02T03:04:05Z'),
      });
    });
  });

  it('reads users timestamps in every accepted format as UTC', async () => {
    const described = await query(`DESCRIBE SELECT * FROM ${scan('users')}`);
    expect(Object.fromEntries(described.map((r) => [r.column_name, r.column_type]))).toMatchObject({
      id: 'BIGINT',
      email: 'VARCHAR',
    });
    const rows = await query(
      `SELECT _row_number::INTEGER AS n, name, epoch_ms(created_at::TIMESTAMP)::DOUBLE AS c, epoch_ms(updated_at::TIMESTAMP)::DOUBLE AS u FROM ${scan('users')} ORDER BY n`,
    );
    const src = source('users.csv', true);
    const rejected = rejectedRows.get('users')!;
    const toMs = (t: string): number | null => {
      if (t === '') return null;
      const dmy = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})$/.exec(t);
      if (dmy) return Date.UTC(+dmy[3]!, +dmy[2]! - 1, +dmy[1]!, +dmy[4]!, +dmy[5]!);
      return Date.parse(t.includes('T') ? t : `${t.replace(' ', 'T')}Z`);
    };
    const expected = src.map((f, i) => ({ f, n: i + 1 })).filter(({ n }) => !rejected.has(n));
    expect(rows.map((r) => [r.n, r.name, r.c, r.u])).toEqual(
      expected.map(({ f, n }) => [n, f[2], toMs(f[4]!), toMs(f[5]!)]),
    );
  });

  it('partitions hired_employees by ingestion day and types ints as INTEGER', async () => {
    const described = await query(`DESCRIBE SELECT * FROM ${scan('hired_employees')}`);
    const types = Object.fromEntries(described.map((r) => [r.column_name, r.column_type]));
    expect(types).toMatchObject({ id: 'INTEGER', department_id: 'INTEGER' });
    expect(types).not.toHaveProperty('hour');
    const days = await query(
      `SELECT DISTINCT date::VARCHAR AS date FROM ${scan('hired_employees')}`,
    );
    expect(days).toEqual([{ date: '2025-01-02' }]);
    const count = await query(`SELECT count(*)::INTEGER AS n FROM ${scan('hired_employees')}`);
    expect(count[0]!.n).toBe(1500 - rejectedRows.get('hired_employees')!.size);
  });

  it('partitions by the hour of a timestamp column when the contract says so', async () => {
    const wrong = await query(
      `SELECT count(*)::INTEGER AS n FROM ${scan('hired_by_hour')} WHERE strftime(datetime::TIMESTAMP, '%Y-%m-%d') <> date::VARCHAR OR hour::INTEGER <> hour(datetime::TIMESTAMP)`,
    );
    expect(wrong[0]!.n).toBe(0);
    const count = await query(`SELECT count(*)::INTEGER AS n FROM ${scan('hired_by_hour')}`);
    expect(count[0]!.n).toBe(1500 - rejectedRows.get('hired_employees')!.size);
  });

  it('writes rejected rows as text with reasons under the ingest partition', async () => {
    const described = await query(`DESCRIBE SELECT * FROM ${scan('transactions_rejected')}`);
    const types = Object.fromEntries(described.map((r) => [r.column_name, r.column_type]));
    expect(types).toMatchObject({
      amount: 'VARCHAR',
      booked_at: 'VARCHAR',
      _raw_record: 'VARCHAR',
      _errors: 'VARCHAR',
      _error_codes: 'VARCHAR',
      _row_number: 'BIGINT',
    });
    const rows = await query(
      `SELECT amount, _error_codes, date::VARCHAR AS date FROM ${scan('transactions_rejected')} WHERE _row_number = 31`,
    );
    // Ingestion day: the grain of the curated table, but never its business day.
    expect(rows).toEqual([{ amount: '12,50', _error_codes: 'type', date: '2025-01-02' }]);
  });

  it('partitions reference data by ingestion time', async () => {
    const rows = await query(`SELECT DISTINCT date::VARCHAR AS date FROM ${scan('departments')}`);
    expect(rows).toEqual([{ date: '2025-01-02' }]);
  });
});
