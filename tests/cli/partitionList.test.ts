import { describe, expect, it } from 'vitest';
import { summaryDetails, summaryTable } from '../../src/cli/executionView.js';
import type { ExecutionDescription } from '../../src/cli/executionView.js';
import {
  compactOutput,
  describeList,
  describePartitions,
  partitionLabel,
} from '../../src/cli/partitionList.js';

const hourly = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    table: 'hired_employees',
    date: `2021-01-${String(1 + Math.floor(i / 24)).padStart(2, '0')}`,
    hour: String(i % 24).padStart(2, '0'),
    rows: 1 + (i % 2),
  }));

describe('describePartitions', () => {
  it('labels a partition by table, Hive segments and rows', () => {
    expect(partitionLabel({ table: 'users', date: '2024-03-01', rows: 289 })).toBe(
      'users/date=2024-03-01 (289 rows)',
    );
    expect(partitionLabel({ table: 'u', date: '2024-03-01', hour: '07', rows: 1 })).toBe(
      'u/date=2024-03-01/hour=07 (1 row)',
    );
  });

  it('lists a few in full', () => {
    expect(describePartitions(hourly(2))).toEqual([
      '2 partitions: hired_employees/date=2021-01-01/hour=00 (1 row), hired_employees/date=2021-01-01/hour=01 (2 rows)',
    ]);
    expect(describeList([], 'file')).toEqual(['0 files']);
  });

  it('gives many as a count, the first and the last, and every one on request', () => {
    const many = hourly(1389);
    expect(describePartitions(many)).toEqual([
      '1,389 partitions, first hired_employees/date=2021-01-01/hour=00 (1 row), last hired_employees/date=2021-01-58/hour=20 (1 row) (--all-partitions lists them)',
    ]);
    const all = describePartitions(many, true);
    expect(all).toHaveLength(1 + 1389);
    expect(all[0]).toBe('1,389 partitions:');
    expect(all[1389]).toBe('  hired_employees/date=2021-01-58/hour=20 (1 row)');
  });
});

describe('compactOutput', () => {
  it('shortens long partition and file lists of a run summary, keeping every other field', () => {
    const files = Array.from({ length: 1389 }, (_, i) => `hired_employees/part-${i}.parquet`);
    const output = { dataset: 'hired_employees', rowsRead: 1500, partitions: hourly(1389), files };
    const compact = compactOutput(output) as Record<string, unknown>;
    expect(compact.dataset).toBe('hired_employees');
    expect(compact.rowsRead).toBe(1500);
    expect(compact.partitions).toMatch(/^1,389 partitions, first .* last .*--all-partitions/);
    expect(compact.files).toBe(
      '1,389 files, first hired_employees/part-0.parquet, last hired_employees/part-1388.parquet (--all-partitions lists them)',
    );
    expect(JSON.stringify(compact, null, 2).split('\n').length).toBeLessThan(10);
    expect(compactOutput(output, true)).toBe(output);
    const short = { partitions: hourly(3), files: files.slice(0, 3) };
    expect(compactOutput(short)).toEqual(short);
  });
});

describe('run summaries', () => {
  const execution = (output: unknown, key = 'transactions.csv'): ExecutionDescription =>
    ({
      executionArn: 'arn:aws:states:us-east-1:0:execution:ingest:x',
      status: 'SUCCEEDED',
      startDate: new Date(0),
      stopDate: new Date(1500),
      input: JSON.stringify({ detail: { object: { key } } }),
      output: JSON.stringify(output),
    }) as unknown as ExecutionDescription;

  it('show files and rows per file, the partitions and the warnings', () => {
    const out = {
      dataset: 'transactions',
      rowsRead: 400,
      rowsCurated: 389,
      rowsRejected: 11,
      partitions: Array.from({ length: 7 }, (_, i) => ({
        table: 'transactions',
        date: `2024-03-0${i + 1}`,
        rows: 55,
      })),
      files: [],
      filesWritten: 8,
      rowsPerFile: 56,
      warnings: ['transactions: 7 curated files of 56 rows on average'],
    };
    const table = summaryTable([execution(out)]);
    expect(table).toMatch(/partitions\s+files\s+rows\/file/);
    expect(table).toMatch(
      /transactions\.csv\s+transactions\s+SUCCEEDED\s+400\s+389\s+11\s+7\s+8\s+56/,
    );
    expect(summaryDetails([execution(out)])).toEqual([
      'transactions.csv: 7 partitions, first transactions/date=2024-03-01 (55 rows), last transactions/date=2024-03-07 (55 rows) (--all-partitions lists them)',
      'warning: transactions: 7 curated files of 56 rows on average',
    ]);
    expect(summaryDetails([execution(out)], true)).toHaveLength(1 + 7 + 1);
  });

  it('count the files of an output older than filesWritten', () => {
    const old = {
      dataset: 'users',
      rowsCurated: 10,
      partitions: [],
      files: [
        'users/date=2024-01-01/a.parquet',
        'users/date=2024-01-02/b.parquet',
        'users_rejected/c.parquet',
      ],
    };
    expect(summaryTable([execution(old, 'users.csv')])).toMatch(
      /users\.csv\s+users\s+SUCCEEDED.*\s3\s+5\s/,
    );
  });
});
