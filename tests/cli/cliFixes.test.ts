/**
 * The CLI fixes of issue 12, each against the real command: pipes that close early, `--status`
 * validation, query errors printed once with the lake's own suggestions, failed-file summaries,
 * `executions --json`, and the start-up of the bundled CLI against tsx.
 */
import { execFile, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanQueryError, closestTables } from '../../src/cli/queryErrors.js';
import { exitQuietlyOnBrokenPipe } from '../../src/cli/stdio.js';
import { lake, removeDir, ROOT, SAMPLES, SCHEMAS, tempDir } from '../twin/helpers.js';

const execFileP = promisify(execFile);
const BIN = path.join(ROOT, 'bin/lake.js');
let dir: string;
const run = (...args: string[]) => lake('--dir', dir, '--port', '0', '--schemas', SCHEMAS, ...args);

/** `sh -c SCRIPT` with pipefail: the exit code is lake's, not the reader's. */
function shell(script: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = await tempDir('cli-fixes');
  await mkdir(path.join(dir, 'in'), { recursive: true });
  await writeFile(path.join(dir, 'in', 'users_bad.csv'), 'id,mail,name\n1,a@b.c,x\n');
  await writeFile(path.join(dir, 'in', 'mystery.csv'), 'a,b\n1,2\n');
  const r = await run(
    'ingest',
    path.join(SAMPLES, 'jobs.csv'),
    path.join(dir, 'in', 'users_bad.csv'),
    path.join(dir, 'in', 'mystery.csv'),
  );
  expect(r.code, r.stderr).toBe(1); // two of three fail
  ingestOutput = r.stdout;
});
let ingestOutput = '';

afterAll(async () => {
  await removeDir(dir);
});

describe('lake in a pipe whose reader leaves', () => {
  it('lake query … | head -1 prints the first line and exits 0 without EPIPE', async () => {
    const r = await shell(
      `node bin/lake.js --dir '${dir}' --schemas schemas query "SELECT range AS n FROM range(300000)" --csv | head -1`,
    );
    expect(r.stderr).not.toMatch(/EPIPE/);
    expect(r.stdout).toBe('n\n');
    expect(r.code).toBe(0);
  });

  it('lake show ID | a reader that reads nothing: exit 0, nothing on stderr', async () => {
    const r = await shell(
      `node bin/lake.js --dir '${dir}' --port 0 --schemas schemas show jobs_csv | true`,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('EPIPE exits 0; any other stream error is still an error', () => {
    const stream = new EventEmitter() as unknown as NodeJS.WriteStream;
    const codes: number[] = [];
    exitQuietlyOnBrokenPipe([stream], (c) => codes.push(c));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(codes).toEqual([0]);
    expect(() => stream.emit('error', Object.assign(new Error('nope'), { code: 'EIO' }))).toThrow(
      'nope',
    );
  });
});

describe('lake executions', () => {
  it('--status takes any case, and an unknown status is a usage error (exit 2) naming the valid ones', async () => {
    const bad = await run('executions', '--status', 'NOPE');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown status "NOPE"/);
    expect(bad.stderr).toMatch(/hint: use one of RUNNING, SUCCEEDED, FAILED/);
    expect(bad.stdout).toBe('');
    const failed = await run('executions', '--status', 'failed');
    expect(failed.code).toBe(0);
    expect(failed.stdout).toMatch(/users_bad\.csv\s+FAILED/);
    expect(failed.stdout).not.toMatch(/jobs\.csv/);
    const none = await run('executions', '--status', 'aborted');
    expect(none.stdout).toMatch(/No ABORTED executions \(3 in all\)/);
  });

  it('--json gives each execution with file, dataset, counts, duration and error', async () => {
    const r = await run('executions', '--json');
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    const byFile = Object.fromEntries(rows.map((x) => [x.file, x]));
    expect(byFile['jobs.csv']).toMatchObject({
      status: 'SUCCEEDED',
      dataset: 'jobs',
      rowsRead: 40,
      rowsCurated: 40,
      rowsRejected: 0,
      error: null,
    });
    expect(byFile['jobs.csv']!.durationMs).toEqual(expect.any(Number));
    expect(byFile['users_bad.csv']).toMatchObject({
      status: 'FAILED',
      dataset: 'users',
      error: 'HeaderMismatchError',
      rowsRead: null,
    });
    expect(byFile['mystery.csv']).toMatchObject({ dataset: null, error: 'UnknownDatasetError' });
  });
});

describe('failed-file summaries', () => {
  it('name the dataset, leave counts blank (not NULL), print the whole error and the file patterns', () => {
    const bad = ingestOutput.split('\n').find((l) => l.startsWith('users_bad.csv'))!;
    expect(bad).toMatch(/^users_bad\.csv\s+users\s+FAILED\s/);
    expect(ingestOutput).not.toMatch(/NULL/);
    expect(ingestOutput).toMatch(
      /users_bad\.csv: HeaderMismatchError: header mismatch: expected \[id, email, name, country, created_at, updated_at\], found \[id, mail, name\]$/m,
    );
    expect(ingestOutput).toMatch(/mystery\.csv: UnknownDatasetError: .*"mystery\.csv"/);
    expect(ingestOutput).toMatch(/file names each dataset takes: .*users: users\*\.csv/);
    // One duration format: "1.2 s" (or "850 ms"), as everywhere else.
    expect(ingestOutput).toMatch(/jobs\.csv\s+jobs\s+SUCCEEDED.*\s\d+(\.\d)? m?s\s*$/m);
  });
});

describe('query errors', () => {
  it("print DuckDB's caret block once", async () => {
    const r = await run('query', 'SELEC x');
    expect(r.code).toBe(1);
    // Each line once: DuckDB's caret block used to come twice.
    const lines = r.stderr.split('\n').filter((l) => l.trim() && !/^\s*\^\s*$/.test(l));
    expect(lines).toEqual([...new Set(lines)]);
    expect((r.stderr.match(/LINE 1:/g) ?? []).length).toBeLessThanOrEqual(1);
    expect(r.stderr).toMatch(/syntax error/);
    expect(r.stderr).toMatch(/^hint: tables and views: .*jobs/m);
  });

  it("suggest the lake's own tables, never DuckDB's internal ones", async () => {
    const nope = await run('query', 'SELECT * FROM nope');
    expect(nope.code).toBe(1);
    expect(nope.stderr).not.toMatch(/pg_enum|Did you mean/);
    const typo = await run('query', 'SELECT * FROM jobz');
    expect(typo.stderr).toMatch(/Did you mean "jobs"\?/);
    expect(closestTables('userz', ['users', 'users_current', 'jobs'])).toEqual(['users']);
    expect(cleanQueryError('a\n\nLINE 1: x\n^\n\nLINE 1: x\n^', [])).toBe('a\n\nLINE 1: x\n^');
  });
});

describe('help text', () => {
  it('--help names LAKE_DIR and LAKE_PORT', async () => {
    const r = await lake('--help');
    expect(r.stdout).toMatch(
      /--dir <path>\s+state folder of the local twin \(default \.lake, or\s+LAKE_DIR\)/,
    );
    expect(r.stdout).toMatch(/LAKE_PORT/);
  });
});

describe('start-up', () => {
  it('the bundled CLI starts faster than compiling through tsx, and is rebuilt when a source is newer', async () => {
    const { buildCli, bundleIsFresh, CLI_BUNDLE } = (await import(
      path.join(ROOT, 'src/cli/build/buildCli.mjs')
    )) as {
      buildCli: () => Promise<number>;
      bundleIsFresh: (bundle?: string, root?: string) => boolean;
      CLI_BUNDLE: string;
    };
    if (!bundleIsFresh()) await buildCli();
    const time = async (env: Record<string, string>) => {
      const started = performance.now();
      await execFileP('node', [BIN, '--dir', dir, '--schemas', SCHEMAS, 'query', 'SELECT 1'], {
        cwd: ROOT,
        env: { ...process.env, ...env },
      });
      return performance.now() - started;
    };
    const bundled = Math.min(await time({}), await time({}));
    const tsx = Math.min(await time({ LAKE_TSX: '1' }), await time({ LAKE_TSX: '1' }));
    console.log(
      `lake query start-up: bundled ${Math.round(bundled)} ms, tsx ${Math.round(tsx)} ms`,
    );
    expect(bundled).toBeLessThan(tsx);

    // A source newer than the bundle makes it stale.
    const root = await tempDir('cli-fresh');
    await mkdir(path.join(root, 'src'), { recursive: true });
    const bundle = path.join(root, 'main.js');
    await writeFile(bundle, '');
    await writeFile(path.join(root, 'src', 'a.ts'), '');
    await utimes(bundle, new Date(2_000_000_000), new Date(2_000_000_000));
    await utimes(path.join(root, 'src', 'a.ts'), new Date(1_000_000_000), new Date(1_000_000_000));
    expect(bundleIsFresh(bundle, root)).toBe(true);
    await utimes(path.join(root, 'src', 'a.ts'), new Date(3_000_000_000), new Date(3_000_000_000));
    expect(bundleIsFresh(bundle, root)).toBe(false);
    expect(CLI_BUNDLE).toMatch(/dist[/\\]cli[/\\]main\.js$/);
    await removeDir(root);
  });
});
