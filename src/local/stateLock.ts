/**
 * One twin per state folder: `twin.lock` in the folder names the process that runs a twin on it
 * (pid, start time, command, host). Two twins on one folder would both write the catalog, the
 * execution store and the S3 objects. A lock whose process is gone (a crash, SIGKILL) is stale
 * and taken over.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Who holds a state folder. */
export interface LockOwner {
  pid: number;
  /** ISO time the owner took the lock. */
  startedAt: string;
  /** What it runs, e.g. `lake dev`. */
  command: string;
  hostname: string;
  /** Tells this holder's lock from a later one of the same pid. */
  id: string;
}

/** Another live process holds the state folder. */
export class StateFolderBusyError extends Error {
  override name = 'StateFolderBusyError';
  constructor(
    readonly dir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `${dir} is in use by ${owner.command} (pid ${owner.pid}${owner.hostname === hostname() ? '' : ` on ${owner.hostname}`}, since ${owner.startedAt})`,
    );
  }
}

/** A held lock. */
export interface StateLock {
  path: string;
  owner: LockOwner;
  /** Remove the lock if it is still ours. Idempotent. */
  release(): Promise<void>;
}

/** Where the lock of a state folder lives. */
export function lockPath(dir: string): string {
  return join(dir, 'twin.lock');
}

// When this process started: a lock with our own pid but older than us was left by an earlier
// process that had the same pid (containers restart with the same pids).
const PROCESS_STARTED = Date.now() - process.uptime() * 1000;

/**
 * When process `pid` started (ms since the epoch), where the system tells (Linux /proc: start
 * ticks since boot, in USER_HZ = 100 per second, plus the boot time); undefined elsewhere.
 */
export function processStartedAt(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22, starttime
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && Number.isFinite(boot) ? boot * 1000 + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Is the lock's owner still running? Unknown hosts count as alive: their pids mean nothing here.
 * A live pid that started after the lock was taken is another program that reuses the number.
 */
export function ownerAlive(owner: LockOwner): boolean {
  if (owner.hostname !== hostname()) return true;
  const lockedAt = Date.parse(owner.startedAt);
  if (owner.pid === process.pid) return lockedAt >= PROCESS_STARTED - 1000;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = processStartedAt(owner.pid);
  // Two seconds of slack: the boot time is in whole seconds.
  return started === undefined || !(started > lockedAt + 2000);
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.id === 'string' ? (o as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

const readText = (path: string) => readFile(path, 'utf8').catch(() => undefined);

/**
 * Take the lock of `dir` for `command`, or throw StateFolderBusyError naming the live holder.
 * The lock file appears whole (written aside, then hard-linked into place, which fails if one
 * exists), so a reader never sees half of one.
 */
export async function acquireStateLock(dir: string, command: string): Promise<StateLock> {
  await mkdir(dir, { recursive: true });
  const path = lockPath(dir);
  const owner: LockOwner = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    command,
    hostname: hostname(),
    id: randomBytes(8).toString('hex'),
  };
  const text = JSON.stringify(owner, null, 2);
  const aside = `${path}.${owner.id}.tmp`;
  await writeFile(aside, text, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await placeLock(aside, path, text)) return held(path, owner);
      const seen = await readText(path);
      if (seen === undefined) continue; // released meanwhile: try again
      const holder = parseOwner(seen);
      if (holder && ownerAlive(holder)) throw new StateFolderBusyError(dir, holder);
      await takeOverStale(path, seen);
    }
    const holder = parseOwner((await readText(path)) ?? '');
    if (holder) throw new StateFolderBusyError(dir, holder);
    throw new Error(`could not take the lock ${path}: it keeps changing`);
  } finally {
    await unlink(aside).catch(() => {});
  }
}

async function placeLock(aside: string, path: string, text: string): Promise<boolean> {
  try {
    await link(aside, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
  }
  // File systems without hard links: exclusive create (a reader may briefly see it empty).
  try {
    await writeFile(path, text, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Move a stale lock out of the way. Two processes may both judge the same lock stale: the
 * second then moves the first one's fresh lock; it sees the content differ and puts it back.
 */
async function takeOverStale(path: string, staleText: string): Promise<void> {
  const moved = `${path}.stale.${randomBytes(6).toString('hex')}`;
  try {
    await rename(path, moved);
  } catch {
    return; // gone already
  }
  if ((await readText(moved)) !== staleText) await link(moved, path).catch(() => {});
  await unlink(moved).catch(() => {});
}

function releaseSync(path: string, id: string): void {
  try {
    if (parseOwner(readFileSync(path, 'utf8'))?.id === id) unlinkSync(path);
  } catch {
    // not there, or not readable: nothing of ours to remove
  }
}

function held(path: string, owner: LockOwner): StateLock {
  // A process that ends without release (process.exit, an uncaught error) still removes its lock.
  const onExit = () => releaseSync(path, owner.id);
  process.on('exit', onExit);
  let released = false;
  return {
    path,
    owner,
    release: async () => {
      if (released) return;
      released = true;
      process.off('exit', onExit);
      const current = parseOwner((await readText(path)) ?? '');
      if (current?.id === owner.id) await unlink(path).catch(() => {});
    },
  };
}
