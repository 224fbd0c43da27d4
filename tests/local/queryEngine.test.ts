import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  curatedTableInput,
  partitionInput,
  rejectedTableInput,
} from '../../src/core/catalog/tableInput.js';
import type { Contract } from '../../src/core/contract/types.js';
import { LocalCatalog } from '../../src/local/catalog/index.js';
import { QueryEngine, QueryError, s3rverFileResolver } from '../../src/local/query/index.js';
import { startS3Endpoint, type S3Endpoint } from '../../src/local/s3/index.js';

const CURATED = 'lake-curated';
// Reference data by ingestion day: a table with the date key only.
const departments: Contract = {
  dataset: 'departments',
  files: ['departments*.csv'],
  partitioning: { grain: 'day' },
  columns: [
    { name: 'id', type: 'int' },
    { name: 'department', type: 'string' },
  ],
};
const jobs: Contract = {
  dataset: 'jobs',
  files: ['jobs*.csv'],
  columns: [
    { name: 'id', type: 'int' },
    { name: 'job', type: 'string' },
  ],
};
const hired: Contract = {
  dataset: 'hired_employees',
  files: ['hired_employees*.csv'],
  partitioning: { time: 'datetime' },
  columns: [
    { name: 'id', type: 'int' },
    { name: 'name', type: 'string' },
    { name: 'datetime', type: 'timestamp' },
    { name: 'department_id', type: 'int' },
    { name: 'job_id', type: 'int' },
  ],
};

interface Hire {
  id: number;
  name: string;
  datetime: string;
  department_id: number;
  job_id: number;
}

// Hires spread over late 2020 and every quarter of 2021; the month and hour vary with the id.
const HIRES: Hire[] = Array.from({ length: 36 }, (_, i) => {
  const month = (i * 5) % 13; // 0 means December 2020
  const date =
    month === 0
      ? '2020-12-15'
      : `2021-${String(month).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}`;
  return {
    id: i + 1,
    name: `person ${i + 1}`,
    datetime: `${date} ${String(i % 3).padStart(2, '0')}:30:00`,
    department_id: 1 + (i % 2),
    job_id: 1 + (i % 3 === 0 ? 1 : 0),
  };
});
const DEPARTMENTS = new Map([
  [1, 'Sales'],
  [2, 'Engineering'],
  [3, 'Legal'],
]);
const JOBS = new Map([
  [1, 'Analyst'],
  [2, 'Developer'],
]);

let dir: string;
let s3: S3Endpoint;
let client: S3Client;
let duck: DuckDBInstance;
let catalog: LocalCatalog;
let engine: QueryEngine;

function sqlString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

/** Keys of the fixture files by dataset (a rejected table's files belong to its dataset). */
const committed = new Map<string, string[]>();

/**
 * Write rows as Parquet with DuckDB's COPY and upload them through the S3 API; a manifest names
 * every fixture file (see `commitFixtures`), as Commit names what it publishes.
 */
async function putParquet(key: string, select: string): Promise<void> {
  const dataset = key.split('/')[0]!.replace(/_rejected$/, '');
  committed.set(dataset, [...(committed.get(dataset) ?? []), key]);
  const file = path.join(dir, `fixture-${Math.random().toString(36).slice(2)}.parquet`);
  const conn = await duck.connect();
  await conn.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT parquet)`);
  conn.closeSync();
  await client.send(
    new PutObjectCommand({ Bucket: CURATED, Key: key, Body: await readFile(file) }),
  );
}

/** One manifest per dataset naming its fixture files: the twin reads only files a manifest names. */
async function commitFixtures(): Promise<void> {
  for (const [dataset, files] of committed) {
    await client.send(
      new PutObjectCommand({
        Bucket: CURATED,
        Key: `_manifests/${dataset}/fixtures.json`,
        Body: JSON.stringify({ dataset, files }),
      }),
    );
  }
}

function hireRows(rows: Hire[]): string {
  return rows
    .map(
      (h, n) =>
        `SELECT ${h.id}::INTEGER AS id, ${sqlString(h.name)} AS name, TIMESTAMP ${sqlString(h.datetime)} AS datetime, ${h.department_id}::INTEGER AS department_id, ${h.job_id}::INTEGER AS job_id, 'hired.csv' AS _source_key, ${n + 1}::BIGINT AS _row_number`,
    )
    .join(' UNION ALL ');
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lake-query-'));
  s3 = await startS3Endpoint({ dir: path.join(dir, 's3'), port: 0, buckets: [CURATED] });
  client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  duck = await DuckDBInstance.create(':memory:', { threads: '1' });
  catalog = new LocalCatalog(path.join(dir, 'catalog'));
  await catalog.ensureDatabase('lake');

  for (const [contract, rows] of [
    [departments, DEPARTMENTS],
    [jobs, JOBS],
  ] as const) {
    const table = curatedTableInput(contract, `s3://${CURATED}/${contract.dataset}/`);
    await catalog.ensureTable('lake', table);
    const column = contract.columns[1]!.name;
    const select = [...rows]
      .map(([id, v]) => `SELECT ${id}::INTEGER AS id, ${sqlString(v)} AS ${column}`)
      .join(' UNION ALL ');
    const byDay = contract.partitioning?.grain === 'day';
    await putParquet(
      `${contract.dataset}/date=2026-01-01/${byDay ? '' : 'hour=00/'}part-src-0.parquet`,
      select,
    );
    await catalog.registerPartitions('lake', contract.dataset, [
      byDay ? partitionInput(table, '2026-01-01') : partitionInput(table, '2026-01-01', 0),
    ]);
  }

  const hiredTable = curatedTableInput(hired, `s3://${CURATED}/hired_employees/`);
  await catalog.ensureTable('lake', hiredTable);
  const byPartition = new Map<string, Hire[]>();
  for (const h of HIRES) {
    const key = `${h.datetime.slice(0, 10)}|${h.datetime.slice(11, 13)}`;
    byPartition.set(key, [...(byPartition.get(key) ?? []), h]);
  }
  const partitions = [];
  for (const [key, rows] of byPartition) {
    const [date, hour] = key.split('|') as [string, string];
    await putParquet(
      `hired_employees/date=${date}/hour=${hour}/part-src-0.parquet`,
      hireRows(rows),
    );
    partitions.push(partitionInput(hiredTable, date, Number(hour)));
  }
  await catalog.registerPartitions('lake', 'hired_employees', partitions);
  // Written but never registered (a failed run): Athena would not see it, nor may we.
  await putParquet(
    'hired_employees/date=2021-02-02/hour=05/part-orphan-0.parquet',
    hireRows([
      { id: 999, name: 'ghost', datetime: '2021-02-02 05:00:00', department_id: 1, job_id: 1 },
    ]),
  );
  // A marker file inside a registered partition is not data.
  await client.send(
    new PutObjectCommand({
      Bucket: CURATED,
      Key: `hired_employees/date=2021-01-01/hour=00/_SUCCESS`,
      Body: '',
    }),
  );

  const rejected = rejectedTableInput(jobs, `s3://${CURATED}/jobs_rejected/`);
  await catalog.ensureTable('lake', rejected);
  await putParquet(
    'jobs_rejected/date=2026-01-01/hour=00/part-src-0.parquet',
    `SELECT 'x' AS id, 'Clown' AS job, 'x,Clown' AS _raw_record, '["id: not an integer"]' AS _errors, 'type' AS _error_codes, 'jobs.csv' AS _source_key, 3::BIGINT AS _row_number`,
  );
  await catalog.registerPartitions('lake', 'jobs_rejected', [
    partitionInput(rejected, '2026-01-01', 0),
  ]);

  await commitFixtures();
  engine = await QueryEngine.create({
    catalog,
    resolve: s3rverFileResolver(s3.dataDir),
    threads: 1,
  });
});

afterAll(async () => {
  engine?.close();
  duck?.closeSync();
  client?.destroy();
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('QueryEngine (the local Athena)', () => {
  it('answers the example query: hires per department and job per quarter of 2021', async () => {
    const { EXAMPLE_QUERY } = await import('../../src/cli/exampleQuery.js').catch(() => ({
      EXAMPLE_QUERY: undefined,
    }));
    const sql =
      EXAMPLE_QUERY ??
      `SELECT d.department, j.job,
         SUM(CASE WHEN quarter(h.datetime) = 1 THEN 1 ELSE 0 END) AS q1, SUM(CASE WHEN quarter(h.datetime) = 2 THEN 1 ELSE 0 END) AS q2,
         SUM(CASE WHEN quarter(h.datetime) = 3 THEN 1 ELSE 0 END) AS q3, SUM(CASE WHEN quarter(h.datetime) = 4 THEN 1 ELSE 0 END) AS q4
       FROM "lake"."hired_employees" h JOIN "lake"."departments" d ON h.department_id = d.id JOIN "lake"."jobs" j ON h.job_id = j.id
       WHERE year(h.datetime) = 2021 GROUP BY d.department, j.job ORDER BY d.department, j.job`;
    const result = await engine.query(sql);

    const expected = new Map<string, number[]>();
    for (const h of HIRES.filter((x) => x.datetime.startsWith('2021'))) {
      const k = `${DEPARTMENTS.get(h.department_id)}|${JOBS.get(h.job_id)}`;
      const q = Math.floor((Number(h.datetime.slice(5, 7)) - 1) / 3);
      const counts = expected.get(k) ?? [0, 0, 0, 0];
      counts[q]!++;
      expected.set(k, counts);
    }
    const expectedRows = [...expected.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, counts]) => [...k.split('|'), ...counts]);
    expect(result.rows.length).toBeGreaterThan(1);
    expect(result.columns.map((c) => c.name)).toEqual([
      'department',
      'job',
      'q1',
      'q2',
      'q3',
      'q4',
    ]);
    expect(result.rows).toEqual(expectedRows.slice(0, 15));
  });

  it('sees registered partitions only, with partition columns typed as the catalog says', async () => {
    const count = await engine.query('SELECT count(*) AS n, max(id) AS top FROM hired_employees');
    expect(count.rows).toEqual([[HIRES.length, HIRES.length]]);
    const types = await engine.query(
      'SELECT "date", "hour", datetime, _row_number, _execution_id FROM "lake"."hired_employees" ORDER BY id LIMIT 1',
    );
    expect(types.columns.map((c) => c.type)).toEqual([
      'DATE',
      'INTEGER',
      'TIMESTAMP',
      'BIGINT',
      'VARCHAR',
    ]);
    const first = HIRES[0]!;
    expect(types.rows[0]).toEqual([
      first.datetime.slice(0, 10),
      Number(first.datetime.slice(11, 13)),
      first.datetime.replace(' ', 'T'),
      1,
      null,
    ]);

    const table = (await catalog.getTable('lake', 'hired_employees'))!;
    await catalog.registerPartitions('lake', 'hired_employees', [
      partitionInput(table, '2021-02-02', 5),
    ]);
    expect((await engine.query('SELECT count(*) FROM lake.hired_employees')).rows).toEqual([
      [HIRES.length + 1],
    ]);
  });

  it('reads a day-grain table: a date key typed DATE, and no hour', async () => {
    const r = await engine.query(
      'SELECT "date", count(*) AS n FROM departments GROUP BY "date" ORDER BY "date"',
    );
    expect(r.columns.map((c) => c.type)).toEqual(['DATE', 'BIGINT']);
    expect(r.rows).toEqual([['2026-01-01', DEPARTMENTS.size]]);
    await expect(engine.query('SELECT "hour" FROM departments')).rejects.toBeInstanceOf(QueryError);
  });

  it('queries rejected rows with their reasons, and an empty table with its columns', async () => {
    const rejected = await engine.query(
      `SELECT id, _errors, json_extract_scalar(_errors, '$[0]') AS first FROM "lake"."jobs_rejected"`,
    );
    expect(rejected.rows).toEqual([['x', '["id: not an integer"]', 'id: not an integer']]);

    await catalog.ensureTable(
      'lake',
      curatedTableInput({ ...jobs, dataset: 'users' }, `s3://${CURATED}/users/`),
    );
    const empty = await engine.query('SELECT * FROM AwsDataCatalog.lake.users');
    expect(empty.rows).toEqual([]);
    expect(empty.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:INTEGER',
      'job:VARCHAR',
      '_source_key:VARCHAR',
      '_source_version:VARCHAR',
      '_row_number:BIGINT',
      '_ingested_at:TIMESTAMP',
      '_execution_id:VARCHAR',
      'date:DATE',
      'hour:INTEGER',
    ]);
  });

  it('speaks the Athena functions of everyday queries', async () => {
    const r = await engine.query(`SELECT
        date_format(TIMESTAMP '2021-03-04 05:06:07', '%Y-%m-%d %H:%i:%s') AS f,
        date_format(DATE '2021-03-04', '%M %e, %Y') AS g,
        date_parse('04/03/2021 05:06', '%d/%m/%Y %H:%i') AS p,
        from_iso8601_timestamp('2021-03-04T05:06:07+02:00') AS z,
        date_trunc('quarter', TIMESTAMP '2021-05-06 07:00:00') AS q,
        day_of_week(DATE '2021-03-07') AS dow,
        7 / 2 AS div,
        regexp_like('abc', '^a') AS rl`);
    expect(r.rows[0]).toEqual([
      '2021-03-04 05:06:07',
      'March 4, 2021',
      '2021-03-04T05:06:00',
      '2021-03-04T03:06:07Z',
      '2021-04-01T00:00:00',
      7,
      3,
      true,
    ]);
    const more =
      await engine.query(`SELECT to_unixtime(TIMESTAMP '1970-01-02 00:00:00') AS u, from_unixtime(86400) AS f,
        to_iso8601(TIMESTAMP '2021-03-04 05:06:07.5') AS iso, day_of_year(DATE '2021-02-01') AS doy,
        approx_distinct(x) AS n, date_diff('day', DATE '2021-01-01', DATE '2021-03-01') AS dd
      FROM (VALUES (1), (2), (2)) t(x)`);
    expect(more.rows[0]).toEqual([
      86400,
      '1970-01-02T00:00:00',
      '2021-03-04T05:06:07.500',
      32,
      2,
      59,
    ]);
  });

  it('refuses bad SQL with a QueryError', async () => {
    const err = await engine.query('SELECT nope FROM jobs').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect((err as Error).name).toBe('QueryError');
  });
});
