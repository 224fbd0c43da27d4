/**
 * The whole twin on the sample files: every file uploaded through the S3 API with the SDK's
 * default settings, the executions the uploads start, then `lake query` against expectations
 * computed from the files themselves (tests/twin/expected.ts), rejected rows with their reasons,
 * and an unknown file in quarantine.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../../src/cli/exampleQuery.js';
import type { Twin } from '../../src/local/twin.js';
import {
  daysBetween,
  records,
  splitHires,
  splitReference,
  splitTransactions,
  splitUsers,
  cents,
  type Split,
} from './expected.js';
import {
  SAMPLES,
  defaultSdkClient,
  getBytes,
  lake,
  lakeQueryJson,
  listKeys,
  removeDir,
  sourceKey,
  startTestTwin,
  tempDir,
  waitForExecutions,
} from './helpers.js';

const FILES = [
  'departments.csv',
  'hired_employees.csv',
  'jobs.csv',
  'transactions.csv',
  'users.csv',
];
const MYSTERY = 'incoming/mystery.csv';
const MYSTERY_BODY = 'a,b,c\n1,2,3\n';

let dir: string;
let twin: Twin;
let client: S3Client;
let runs: Awaited<ReturnType<typeof waitForExecutions>>;
/** Days the uploads' ingestion time may fall on (the run could cross midnight). */
let uploadDays: Set<string>;
const text: Record<string, string> = {};
const expected: Record<string, Split> = {};

beforeAll(async () => {
  dir = await tempDir('samples');
  twin = await startTestTwin(dir);
  client = defaultSdkClient(twin.s3.endpoint);
  for (const f of FILES) text[f] = await readFile(path.join(SAMPLES, f), 'utf8');
  expected.departments = splitReference(text['departments.csv']!);
  expected.jobs = splitReference(text['jobs.csv']!);
  expected.hired_employees = splitHires(text['hired_employees.csv']!);
  expected.users = splitUsers(text['users.csv']!);
  expected.transactions = splitTransactions(text['transactions.csv']!);

  const uploadsFrom = Date.now();
  // Streams of known length: the SDK's default is aws-chunked with a trailing CRC checksum.
  await Promise.all(
    FILES.map(async (f) => {
      const file = path.join(SAMPLES, f);
      await client.send(
        new PutObjectCommand({
          Bucket: 'lake-ingest',
          Key: f,
          Body: createReadStream(file),
          ContentLength: (await stat(file)).size,
        }),
      );
    }),
  );
  await client.send(
    new PutObjectCommand({ Bucket: 'lake-ingest', Key: MYSTERY, Body: MYSTERY_BODY }),
  );
  runs = await waitForExecutions(twin.runner, FILES.length + 1, 90_000);
  uploadDays = daysBetween(uploadsFrom, Date.now());
}, 120_000);

afterAll(async () => {
  client?.destroy();
  await twin?.close();
  await removeDir(dir);
});

const DATASETS = ['departments', 'hired_employees', 'jobs', 'transactions', 'users'] as const;

describe('the samples through the twin', () => {
  it('starts one execution per upload, and every sample file succeeds with rows read = curated + rejected', () => {
    expect(runs.map((r) => sourceKey(r.input)).sort()).toEqual([...FILES, MYSTERY].sort());
    for (const f of FILES) {
      const run = runs.find((r) => sourceKey(r.input) === f)!;
      expect(run.status, `${f}: ${run.error} ${run.cause}`).toBe('SUCCEEDED');
      const out = JSON.parse(run.output!) as {
        rowsRead: number;
        rowsCurated: number;
        rowsRejected: number;
      };
      const want = expected[f.replace('.csv', '')]!;
      expect({ f, ...out }).toMatchObject({
        f,
        rowsRead: want.records,
        rowsCurated: want.good.length,
        rowsRejected: want.bad.length,
      });
      expect(out.rowsRead).toBe(out.rowsCurated + out.rowsRejected);
    }
  });

  it('stores exactly the bytes sent by the SDK default (aws-chunked) upload', async () => {
    for (const f of FILES) {
      const raw = (await listKeys(client, 'lake-raw', `${f.replace('.csv', '')}/`)).filter((k) =>
        k.endsWith(`/${f}`),
      );
      expect(raw, f).toHaveLength(1);
      expect(
        (await getBytes(client, 'lake-raw', raw[0]!)).equals(await readFile(path.join(SAMPLES, f))),
        f,
      ).toBe(true);
    }
  });

  it('answers counts per table and per rejected table as computed from the files', async () => {
    const union = DATASETS.map(
      (d) =>
        `SELECT '${d}' AS t, (SELECT count(*) FROM "lake"."${d}") AS curated, (SELECT count(*) FROM ${d}_rejected) AS rejected`,
    ).join(' UNION ALL ');
    const rows = await lakeQueryJson(dir, `${union} ORDER BY t`);
    expect(rows).toEqual(
      DATASETS.map((d) => ({
        t: d,
        curated: expected[d]!.good.length,
        rejected: expected[d]!.bad.length,
      })),
    );
    // The easy reference files are clean: every record lands.
    expect(expected.departments!.good).toHaveLength(
      records(text['departments.csv']!, false).length,
    );
    expect(expected.jobs!.good).toHaveLength(40);
  });

  it('keeps the values: reference tables, keys, names with quotes and commas, timestamps', async () => {
    const departments = await lakeQueryJson(
      dir,
      'SELECT id, department FROM departments ORDER BY id',
    );
    expect(departments).toEqual(
      expected.departments!.good.map((g) => ({ id: Number(g.fields[0]), department: g.fields[1] })),
    );
    const jobs = await lakeQueryJson(dir, 'SELECT id, job FROM "lake"."jobs" ORDER BY id');
    expect(jobs).toEqual(
      expected.jobs!.good.map((g) => ({ id: Number(g.fields[0]), job: g.fields[1] })),
    );

    // Every accepted key once, none of the rejected ones.
    const ids = await lakeQueryJson(dir, 'SELECT id FROM hired_employees ORDER BY id');
    expect(ids.map((r) => String(r.id))).toEqual(
      expected.hired_employees!.good.map((g) => g.key).sort((a, b) => Number(a) - Number(b)),
    );
    const txIds = await lakeQueryJson(
      dir,
      'SELECT transaction_id FROM transactions ORDER BY transaction_id',
    );
    expect(txIds.map((r) => r.transaction_id)).toEqual(
      expected.transactions!.good.map((g) => g.key).sort(),
    );

    const quoted = expected.users!.good.filter((g) => /[",]/.test(g.fields[2]!));
    expect(quoted.length).toBeGreaterThan(0);
    for (const g of quoted) {
      expect(await lakeQueryJson(dir, `SELECT name, email FROM users WHERE id = ${g.key}`)).toEqual(
        [{ name: g.fields[2], email: g.fields[1] }],
      );
    }
    const hires = expected
      .hired_employees!.good.filter((g) => g.fields[1]!.includes(','))
      .slice(0, 3);
    expect(hires.length).toBeGreaterThan(0);
    for (const g of hires) {
      const [row] = await lakeQueryJson(
        dir,
        `SELECT name, to_unixtime(datetime) AS t, department_id, job_id FROM hired_employees WHERE id = ${g.key}`,
      );
      expect(row).toEqual({
        name: g.fields[1],
        t: g.time! / 1000,
        department_id: Number(g.fields[3]),
        job_id: Number(g.fields[4]),
      });
    }
    const nullUpdated = expected.users!.good.filter((g) => g.fields[5] === '').length;
    expect(
      await lakeQueryJson(dir, 'SELECT count(*) AS n FROM users WHERE updated_at IS NULL'),
    ).toEqual([{ n: nullUpdated }]);
  });

  it('sums decimals exactly and aggregates like the files say', async () => {
    const total = expected.transactions!.good.reduce((s, g) => s + cents(g.fields[2]!)!, 0n);
    const [sum] = await lakeQueryJson(
      dir,
      'SELECT CAST(sum(amount) AS VARCHAR) AS s, count(DISTINCT currency) AS c FROM transactions',
    );
    const sign = total < 0n ? '-' : '';
    const abs = total < 0n ? -total : total;
    expect(sum).toEqual({
      s: `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`,
      c: new Set(expected.transactions!.good.map((g) => g.fields[3])).size,
    });

    const perDept = new Map<number, number>();
    for (const g of expected.hired_employees!.good) {
      if (new Date(g.time!).getUTCFullYear() === 2021)
        perDept.set(Number(g.fields[3]), (perDept.get(Number(g.fields[3])) ?? 0) + 1);
    }
    const got = await lakeQueryJson(
      dir,
      'SELECT department_id AS d, count(*) AS n FROM hired_employees WHERE year(datetime) = 2021 GROUP BY department_id ORDER BY 1',
    );
    expect(got).toEqual(
      [...perDept.entries()].sort((a, b) => a[0] - b[0]).map(([d, n]) => ({ d, n })),
    );
  });

  it('answers the example query `lake dev` prints (hires per department and job per quarter of 2021)', async () => {
    const dept = new Map(expected.departments!.good.map((g) => [g.fields[0]!, g.fields[1]!]));
    const job = new Map(expected.jobs!.good.map((g) => [g.fields[0]!, g.fields[1]!]));
    const groups = new Map<string, { department: string; job: string; q: number[] }>();
    for (const g of expected.hired_employees!.good) {
      const t = new Date(g.time!);
      const d = dept.get(g.fields[3]!);
      const j = job.get(g.fields[4]!);
      if (t.getUTCFullYear() !== 2021 || d === undefined || j === undefined) continue;
      const k = `${d}\u0000${j}`;
      const e = groups.get(k) ?? { department: d, job: j, q: [0, 0, 0, 0] };
      e.q[Math.floor(t.getUTCMonth() / 3)]! += 1;
      groups.set(k, e);
    }
    const want = [...groups.values()]
      .sort((a, b) =>
        a.department < b.department
          ? -1
          : a.department > b.department
            ? 1
            : a.job < b.job
              ? -1
              : a.job > b.job
                ? 1
                : 0,
      )
      .slice(0, 15)
      .map((e) => ({
        department: e.department,
        job: e.job,
        q1: e.q[0],
        q2: e.q[1],
        q3: e.q[2],
        q4: e.q[3],
      }));
    const got = (await lakeQueryJson(dir, EXAMPLE_QUERY)).map((r) => ({
      ...r,
      q1: Number(r.q1),
      q2: Number(r.q2),
      q3: Number(r.q3),
      q4: Number(r.q4),
    }));
    expect(got).toEqual(want);
  });

  it('lays each table out as its contract says, each partition registered once', async () => {
    const valuesOf = async (table: string) =>
      (await twin.catalog.listPartitions('lake', table)).map((p) => p.Values.join(' '));
    // The HR files and users: one partition per ingestion day, no hour key.
    for (const table of ['departments', 'jobs', 'hired_employees', 'users']) {
      const values = await valuesOf(table);
      expect(values.length, table).toBeGreaterThanOrEqual(1);
      expect(values.length, table).toBeLessThanOrEqual(uploadDays.size);
      for (const v of values) expect(uploadDays, `${table} ${v}`).toContain(v);
    }
    // Transactions: one partition per business day of the accepted rows.
    const days = new Set(expected.transactions!.good.map((g) => g.day!));
    const values = await valuesOf('transactions');
    expect(values.length).toBe(days.size);
    expect(new Set(values)).toEqual(days);
    // Rejected rows lie by ingestion day, whatever the curated table's partition time.
    for (const d of DATASETS) {
      for (const v of await valuesOf(`${d}_rejected`)) expect(uploadDays, d).toContain(v);
    }
    const misplaced = await lakeQueryJson(
      dir,
      'SELECT count(*) AS n FROM transactions WHERE date <> business_date',
    );
    expect(misplaced).toEqual([{ n: 0 }]);
    const hourColumns = await lakeQueryJson(
      dir,
      "SELECT count(*) AS n FROM information_schema.columns WHERE column_name = 'hour'",
    );
    expect(hourColumns).toEqual([{ n: 0 }]);
  });

  it('keeps rejected rows queryable with their reasons', async () => {
    for (const d of DATASETS) {
      const rows = await lakeQueryJson(
        dir,
        `SELECT _row_number AS r, _error_codes AS codes, _errors AS errors, _raw_record AS raw FROM ${d}_rejected ORDER BY _row_number`,
      );
      const bad = expected[d]!.bad;
      expect(
        rows.map((r) => r.r),
        d,
      ).toEqual(bad.map((b) => b.row));
      for (const [i, b] of bad.entries()) {
        const row = rows[i]!;
        expect(JSON.parse(String(row.raw)), `${d} row ${b.row}`).toEqual(b.fields);
        const errors = JSON.parse(String(row.errors)) as {
          code: string;
          column?: string;
          message: string;
        }[];
        expect(errors.length).toBeGreaterThan(0);
        expect(String(row.codes).split(',').sort()).toEqual(
          [...new Set(errors.map((e) => e.code))].sort(),
        );
        // The reason names what the independent check found wrong.
        if (b.why === 'duplicate_key' || b.why === 'column_count')
          expect(errors.map((e) => e.code)).toContain(b.why);
        else if (b.why === 'rule') expect(errors.map((e) => e.code)).toContain('rule');
        else
          expect(
            errors.map((e) => e.column),
            `${d} row ${b.row}: ${JSON.stringify(errors)}`,
          ).toContain(
            b.why
              .replace('type ', '')
              .replace(
                /^name$/,
                d === 'departments' ? 'department' : d === 'jobs' ? 'job' : 'name',
              ),
          );
      }
    }
    // One bad row known by heart: users row 5 has an e-mail without a domain.
    const [row5] = await lakeQueryJson(
      dir,
      "SELECT email, _error_codes AS codes, _errors AS errors FROM users_rejected WHERE _row_number = 5 AND _source_key = 'users.csv'",
    );
    expect(row5).toMatchObject({ email: 'john.doe@', codes: 'format' });
    expect(String(row5!.errors)).toMatch(/e-mail/);
  });

  it('quarantines an unknown file with its error, and lake executions shows it FAILED with UnknownDatasetError', async () => {
    const run = runs.find((r) => sourceKey(r.input) === MYSTERY)!;
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('UnknownDatasetError');
    const keys = await listKeys(client, 'lake-quarantine');
    const object = keys.find((k) => k.endsWith('mystery.csv'));
    expect(object, keys.join(', ')).toBeDefined();
    expect(keys).toContain(`${object}.error.json`);
    expect((await getBytes(client, 'lake-quarantine', object!)).toString()).toBe(MYSTERY_BODY);
    const error = JSON.parse(
      (await getBytes(client, 'lake-quarantine', `${object}.error.json`)).toString(),
    ) as Record<string, unknown>;
    expect(error).toMatchObject({
      error: 'UnknownDatasetError',
      executionId: run.executionArn,
      source: { bucket: 'lake-ingest', key: MYSTERY },
    });
    // Nothing of it in raw or curated.
    expect((await listKeys(client, 'lake-raw')).filter((k) => k.includes('mystery'))).toEqual([]);

    const listed = await lake('--dir', dir, '--port', '0', 'executions');
    expect(listed.code, listed.stderr).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.includes(MYSTERY));
    expect(line, listed.stdout).toMatch(/FAILED\s+UnknownDatasetError/);
    for (const f of FILES)
      expect(listed.stdout).toMatch(new RegExp(`${f.replace('.', '\\.')}\\s+SUCCEEDED`));
    const failed = await lake('--dir', dir, '--port', '0', 'executions', '--status', 'failed');
    expect(failed.stdout.trim().split('\n')).toHaveLength(3);

    const shown = await lake('--dir', dir, '--port', '0', 'show', run.name);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/FAILED/);
    expect(shown.stdout).toMatch(/Quarantine/);
    expect(shown.stdout).toMatch(/error: UnknownDatasetError: .*mystery\.csv/);
  });
});
