/** The `lake` command as scripts use it: help, exit codes, errors that say what to do, and tables after an ingest. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES, SCHEMAS, lake, removeDir, tempDir } from './helpers.js';

let dir: string;
/** `lake --dir DIR --port 0 --schemas SCHEMAS …` */
const run = (...args: string[]) => lake('--dir', dir, '--port', '0', '--schemas', SCHEMAS, ...args);

beforeAll(async () => {
  dir = await tempDir('cli');
});

afterAll(async () => {
  await removeDir(dir);
});

const COMMANDS = ['dev', 'ingest', 'query', 'tables', 'executions', 'show', 'redrive', 'reprocess'];

describe('lake', () => {
  it('--help exits 0 and lists every command', async () => {
    const r = await lake('--help');
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  it('--help on every command exits 0 and shows its usage', async () => {
    for (const c of COMMANDS) {
      const r = await lake(c, '--help');
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toMatch(new RegExp(`Usage: lake ${c}`));
    }
    expect((await lake('query', '--help')).stdout).toMatch(/--json[\s\S]*--csv/);
    expect((await lake('tables', '--help')).stdout).toMatch(/--json\s+print the list as JSON/);
    for (const c of ['show', 'ingest', 'dev', 'redrive'])
      expect((await lake(c, '--help')).stdout, c).toMatch(
        /--all-partitions\s+list every partition/,
      );
  });

  it('exits 2 on an unknown command, a missing argument or a bad option value', async () => {
    const unknown = await lake('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(unknown.stderr).toMatch(/lake --help/);
    expect((await lake('query')).code).toBe(2);
    const port = await lake('--port', 'abc', 'tables');
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/port/);
    expect((await run('query', 'SELECT 1', '--json', '--csv')).code).toBe(2);
  });

  it('exits 2 with a hint when a file to ingest does not exist', async () => {
    const r = await run('ingest', path.join(dir, 'nope.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.csv is not a readable file/);
  });

  it('refuses ingest --no-wait without a running lake dev (the executions would die with the command)', async () => {
    const r = await run('ingest', '--no-wait', path.join(SAMPLES, 'jobs.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--no-wait needs a running twin/);
    expect(r.stderr).toMatch(/hint: .*lake dev/);
  });

  it('exits 1 with the engine message and a hint on bad SQL', async () => {
    const r = await run('query', 'SELEC 1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^lake: .*syntax error/m);
    expect(r.stderr).toMatch(/^hint: /m);
    expect(r.stdout).toBe('');
  });

  it('exits 2 on show / redrive of an unknown execution, saying how to list them', async () => {
    for (const cmd of ['show', 'redrive']) {
      const r = await run(cmd, 'no-such-execution');
      expect(r.code, cmd).toBe(2);
      expect(r.stderr).toMatch(/no execution named "no-such-execution"/);
      expect(r.stderr).toMatch(/hint: list them with: lake executions/);
    }
  });

  it('ingests files (exit 0, run summary), then lists tables with partitions and row counts, and queries as a table, JSON and CSV', async () => {
    const ingested = await run(
      'ingest',
      path.join(SAMPLES, 'departments.csv'),
      path.join(SAMPLES, 'jobs.csv'),
    );
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(ingested.stdout).toMatch(/departments\.csv\s+departments\s+SUCCEEDED\s+12\s+12\s+0/);
    expect(ingested.stdout).toMatch(/jobs\.csv\s+jobs\s+SUCCEEDED\s+40\s+40\s+0/);

    // Reference data by ingestion day: one partition, one file each.
    expect(ingested.stdout).toMatch(
      /departments\.csv: 1 partition: departments\/date=\d{4}-\d{2}-\d{2} \(12 rows\)/,
    );
    const tables = await run('tables');
    expect(tables.code, tables.stderr).toBe(0);
    expect(tables.stdout).toMatch(/^table\s+type\s+partitions\s+files\s+rows/);
    expect(tables.stdout).toMatch(/^departments\s+table\s+1\s+1\s+12\s/m);
    expect(tables.stdout).toMatch(/^jobs\s+table\s+1\s+1\s+40\s/m);
    expect(tables.stdout).toMatch(/^jobs_rejected\s+table\s+0\s+0\s+0/m);
    const listed = JSON.parse((await run('tables', '--json')).stdout) as Record<string, unknown>[];
    expect(listed.find((t) => t.name === 'departments')).toMatchObject({
      type: 'table',
      partitions: 1,
      files: 1,
      rows: 12,
    });
    expect(listed.find((t) => t.name === 'jobs_rejected')).toMatchObject({
      partitions: 0,
      files: 0,
      rows: 0,
      firstPartition: null,
    });

    const table = await run(
      'query',
      'SELECT id, department FROM departments WHERE id <= 2 ORDER BY id',
    );
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /id\s+department\n-+\s+-+\n\s*1\s+Supply Chain\n\s*2\s+Maintenance\n\(2 rows\)/,
    );
    const csv = await run('query', 'SELECT id, job FROM "lake"."jobs" WHERE id = 1', '--csv');
    expect(csv.stdout.trim()).toBe('id,job\n1,Senior Engineer');
    const json = await run(
      'query',
      'SELECT count(*) AS n FROM jobs j JOIN departments d ON j.id = d.id',
      '--json',
    );
    expect(JSON.parse(json.stdout)).toEqual([{ n: 12 }]);

    // A finished execution: show works by name prefix; redrive is refused (exit 1, the API's reason).
    const executions = await run('executions');
    const name = /^(\S+)\s+jobs\.csv\s+SUCCEEDED/m.exec(executions.stdout)?.[1];
    expect(name, executions.stdout).toBeDefined();
    const shown = await run('show', name!.slice(0, 8));
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/SUCCEEDED\s+file=jobs\.csv/);
    for (const step of ['CopyToRaw', 'Validate', 'TransformChunks', 'Commit'])
      expect(shown.stdout).toContain(step);
    const redrive = await run('redrive', name!);
    expect(redrive.code).toBe(1);
    expect(redrive.stderr).toMatch(/ExecutionNotRedrivable/);
  });

  it('prints many partitions as a count with the first and the last, all of them with --all-partitions', async () => {
    // Seven business days of transactions: seven partitions of about 55 rows.
    const ingested = await run('ingest', path.join(SAMPLES, 'transactions.csv'));
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(ingested.stdout).toMatch(
      /transactions\.csv: 8 partitions, first transactions\/date=2024-03-01 \(\d+ rows\), last transactions_rejected\/date=\S+ \(11 rows\) \(--all-partitions lists them\)/,
    );
    expect(ingested.stdout).toMatch(
      /^transactions\.csv\s+transactions\s+SUCCEEDED\s+400\s+389\s+11\s+8\s+8\s+56\s/m,
    );
    const executions = await run('executions');
    const name = /^(\S+)\s+transactions\.csv\s+SUCCEEDED/m.exec(executions.stdout)?.[1];
    expect(name, executions.stdout).toBeDefined();
    const shown = await run('show', name!);
    expect(shown.stdout).toMatch(
      /"partitions": "8 partitions, first .* last .*--all-partitions lists them\)"/,
    );
    expect(shown.stdout).toMatch(/"files": "8 files, first /);
    const all = await run('show', name!, '--all-partitions');
    expect(all.stdout.match(/"date": "2024-03-0\d"/g)).toHaveLength(7);
    expect(all.stdout.split('\n').length).toBeGreaterThan(shown.stdout.split('\n').length + 20);
  });

  it('exits 1 on a query of a table that does not exist, naming it', async () => {
    const r = await run('query', 'SELECT * FROM lake.nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nope/);
  });
});
