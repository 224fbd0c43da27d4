/**
 * One twin per state folder: a second `lake dev`, or a command that would start its own twin,
 * is refused (exit 3, saying what to do) while another live process holds the folder; a lock
 * left by a dead process is taken over. Two real processes where it matters.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  acquireStateLock,
  lockPath,
  StateFolderBusyError,
  type LockOwner,
} from '../../src/local/stateLock.js';
import { twinPaths } from '../../src/local/twinConfig.js';
import { ROOT, lake, removeDir, tempDir, testConfig, tick } from './helpers.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) await removeDir(d);
});

async function freshDir(label: string): Promise<{ dir: string; schemas: string }> {
  const dir = await tempDir(`lock-${label}`);
  dirs.push(dir);
  // An empty contracts folder: these tests start twins, they ingest nothing.
  const schemas = path.join(dir, '..', `${path.basename(dir)}-schemas`);
  await mkdir(schemas);
  dirs.push(schemas);
  return { dir, schemas };
}

/** `lake --dir DIR --port 0 --schemas SCHEMAS …` in this process. */
const lakeIn = (dir: string, schemas: string, ...args: string[]) =>
  lake('--dir', dir, '--port', '0', '--schemas', schemas, ...args);

const readOwner = async (dir: string) =>
  JSON.parse(await readFile(lockPath(dir), 'utf8')) as LockOwner;

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

/** A child process that takes the lock through stateLock and holds it; resolves once it says so. */
async function lockHolder(
  dir: string,
  command: string,
): Promise<{ child: ChildProcess; said: () => string }> {
  const script = `
    const { acquireStateLock } = await import('./src/local/stateLock.ts');
    try {
      await acquireStateLock(${JSON.stringify(dir)}, ${JSON.stringify(command)});
      console.log('locked');
    } catch (err) {
      console.log(err.name);
    }
    setTimeout(() => {}, 60_000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 20_000;
  while (!/locked|Error/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`holder failed:\n${out}`);
    await tick(50);
  }
  return { child, said: () => out };
}

async function killed(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('the lock file', () => {
  it('holds pid, start time and command; a second taker in this process is refused; release frees it', async () => {
    const { dir } = await freshDir('basic');
    const lock = await acquireStateLock(dir, 'lake dev');
    expect(lock.path).toBe(twinPaths(testConfig(dir)).lockFile);
    const owner = await readOwner(dir);
    expect(owner).toMatchObject({ pid: process.pid, command: 'lake dev', hostname: hostname() });
    expect(Date.parse(owner.startedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await stat(lockPath(dir))).mode & 0o777).toBe(0o600);

    const second = await acquireStateLock(dir, 'lake ingest').catch((e: unknown) => e);
    expect(second).toBeInstanceOf(StateFolderBusyError);
    expect((second as Error).message).toContain(`lake dev (pid ${process.pid}`);

    await lock.release();
    await expect(stat(lockPath(dir))).rejects.toThrow();
    await (await acquireStateLock(dir, 'lake ingest')).release();
  });

  it('takes over a lock whose pid is not alive', async () => {
    const { dir } = await freshDir('stale');
    const pid = await deadPid();
    const stale: LockOwner = {
      pid,
      startedAt: new Date().toISOString(),
      command: 'lake dev',
      hostname: hostname(),
      id: 'stale',
    };
    await writeFile(lockPath(dir), JSON.stringify(stale));
    const lock = await acquireStateLock(dir, 'lake ingest');
    expect(await readOwner(dir)).toMatchObject({ pid: process.pid, id: lock.owner.id });
    await lock.release();
  });

  it('takes over a lock of our own pid from before this process started (a restarted container), and an unreadable one', async () => {
    const { dir } = await freshDir('reused');
    const old: LockOwner = {
      pid: process.pid,
      startedAt: '2000-01-01T00:00:00.000Z',
      command: 'lake dev',
      hostname: hostname(),
      id: 'old',
    };
    await writeFile(lockPath(dir), JSON.stringify(old));
    await (await acquireStateLock(dir, 'lake ingest')).release();
    await writeFile(lockPath(dir), '{"pid":');
    await (await acquireStateLock(dir, 'lake ingest')).release();
  });

  it.runIf(process.platform === 'linux')(
    'takes over a lock whose pid is alive but started after the lock was taken (a reused pid)',
    async () => {
      const { dir } = await freshDir('pidreuse');
      const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
      children.push(other);
      const reused: LockOwner = {
        pid: other.pid!,
        startedAt: new Date(Date.now() - 3_600_000).toISOString(),
        command: 'lake dev',
        hostname: hostname(),
        id: 'reused',
      };
      await writeFile(lockPath(dir), JSON.stringify(reused));
      await (await acquireStateLock(dir, 'lake ingest')).release();
      // The same live process with a lock taken after it started holds the folder.
      await writeFile(
        lockPath(dir),
        JSON.stringify({ ...reused, startedAt: new Date(Date.now() + 1000).toISOString() }),
      );
      await expect(acquireStateLock(dir, 'lake ingest')).rejects.toThrow(StateFolderBusyError);
      await killed(other);
    },
  );

  it('treats a lock from another host as held (its pid means nothing here)', async () => {
    const { dir } = await freshDir('host');
    const pid = await deadPid();
    await writeFile(
      lockPath(dir),
      JSON.stringify({
        pid,
        startedAt: new Date().toISOString(),
        command: 'lake dev',
        hostname: 'elsewhere',
        id: 'x',
      }),
    );
    const err = await acquireStateLock(dir, 'lake dev').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateFolderBusyError);
    expect((err as Error).message).toContain('on elsewhere');
  });

  it('release leaves alone a lock that is no longer ours', async () => {
    const { dir } = await freshDir('notours');
    const lock = await acquireStateLock(dir, 'lake dev');
    const other = { ...lock.owner, id: 'someone-else' };
    await writeFile(lockPath(dir), JSON.stringify(other));
    await lock.release();
    expect((await readOwner(dir)).id).toBe('someone-else');
  });
});

describe('two processes', () => {
  it('of five processes racing for a fresh folder, exactly one gets it', async () => {
    const { dir } = await freshDir('race');
    const holders = await Promise.all(
      Array.from({ length: 5 }, () => lockHolder(dir, 'lake ingest')),
    );
    const said = holders.map((h) => h.said().trim());
    expect(said.filter((s) => s === 'locked')).toHaveLength(1);
    expect(said.filter((s) => s === 'StateFolderBusyError')).toHaveLength(4);
    for (const h of holders) await killed(h.child);
  }, 60_000);

  it('while another process holds the folder, lake commands and lake dev exit 3 saying what to do; once it is gone, they run', async () => {
    const { dir, schemas } = await freshDir('held');
    const holder = await lockHolder(dir, 'lake ingest');
    const pid = holder.child.pid!;

    const listed = await lakeIn(dir, schemas, 'executions');
    expect(listed.code).toBe(3);
    expect(listed.stderr).toContain(`in use by lake ingest (pid ${pid}`);
    expect(listed.stderr).toMatch(/two twins on one state folder/);
    expect(listed.stderr).toMatch(/hint: wait for it to finish, or use another --dir/);

    const dev = await lakeIn(dir, schemas, 'dev', '--no-samples', '--once');
    expect(dev.code).toBe(3);
    expect(dev.stderr).toContain(`pid ${pid}`);
    // Refused before anything was written to the folder.
    await expect(stat(twinPaths(testConfig(dir)).catalog)).rejects.toThrow();

    await killed(holder.child); // SIGKILL: the lock stays behind, stale
    expect((await readOwner(dir)).pid).toBe(pid);
    const after = await lakeIn(dir, schemas, 'executions');
    expect(after.code, after.stderr).toBe(0);
    await expect(stat(lockPath(dir))).rejects.toThrow(); // released when the command ended
  }, 60_000);

  it('a second lake dev on the folder of a running one exits 3; lake commands use the running one through its token', async () => {
    const { dir, schemas } = await freshDir('dev');
    const dev = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin/lake.js'),
        '--dir',
        dir,
        '--port',
        '0',
        '--schemas',
        schemas,
        'dev',
        '--no-samples',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(dev);
    let out = '';
    dev.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    dev.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const recordFile = twinPaths(testConfig(dir)).pidFile;
    const deadline = Date.now() + 40_000;
    while (!(await stat(recordFile).catch(() => undefined))) {
      if (dev.exitCode !== null || Date.now() > deadline)
        throw new Error(`lake dev did not start:\n${out}`);
      await tick(100);
    }
    expect((await stat(recordFile)).mode & 0o777).toBe(0o600);
    expect((await readOwner(dir)).command).toBe('lake dev');

    const second = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin/lake.js'),
        '--dir',
        dir,
        '--port',
        '0',
        '--schemas',
        schemas,
        'dev',
        '--no-samples',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(second);
    let secondErr = '';
    second.stderr!.on('data', (d: Buffer) => (secondErr += d.toString()));
    const code = await new Promise<number | null>((r) => second.on('exit', (c) => r(c)));
    expect(code, secondErr).toBe(3);
    expect(secondErr).toMatch(/already runs/);

    const listed = await lakeIn(dir, schemas, 'executions');
    expect(listed.code, listed.stderr).toBe(0);
    expect((await readOwner(dir)).command).toBe('lake dev'); // still the dev's lock

    const exited = new Promise((r) => dev.once('exit', r));
    dev.kill('SIGINT');
    await exited;
    await expect(stat(lockPath(dir))).rejects.toThrow();
    await expect(stat(recordFile)).rejects.toThrow();
  }, 90_000);
});
