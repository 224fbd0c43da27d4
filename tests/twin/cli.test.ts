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

    const tables = await run('tables');
    expect(tables.code, tables.stderr).toBe(0);
    expect(tables.stdout).toMatch(/^departments\s+1\s+12\s/m);
    expect(tables.stdout).toMatch(/^jobs\s+1\s+40\s/m);
    expect(tables.stdout).toMatch(/^jobs_rejected\s+0\s+0/m);

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
    const listed = await run('executions');
    const name = /^([0-9a-f-]{36})\s+jobs\.csv\s+SUCCEEDED/m.exec(listed.stdout)?.[1];
    expect(name, listed.stdout).toBeDefined();
    const shown = await run('show', name!.slice(0, 8));
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/SUCCEEDED\s+file=jobs\.csv/);
    for (const step of ['CopyToRaw', 'Validate', 'TransformChunks', 'Commit'])
      expect(shown.stdout).toContain(step);
    const redrive = await run('redrive', name!);
    expect(redrive.code).toBe(1);
    expect(redrive.stderr).toMatch(/ExecutionNotRedrivable/);
  });

  it('exits 1 on a query of a table that does not exist, naming it', async () => {
    const r = await run('query', 'SELECT * FROM lake.nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nope/);
  });
});
