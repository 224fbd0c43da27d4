/**
 * Commit as a transaction (issue 15): a crash at any step of Commit, then a redrive, gives the
 * exact table; two Commits of one key racing end with the later version by the documented order;
 * an execution processes the version its event names or none. The workflow runs through our
 * runner over the in-memory store; expectations come from a clean run or from the CSV text.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { TerminalError } from '../../src/core/errors.js';
import type { Catalog, ObjectStore } from '../../src/core/ports.js';
import type { MemoryObjectStore } from '../../src/core/storage/memoryObjectStore.js';
import { commit, type PipelineDeps, type RunSummary } from '../../src/pipeline/index.js';
import { BUCKETS, keys, makeDeps, stageUpload, upload } from '../pipeline/harness.js';
import { ingestRunner } from './runIngest.js';
import { committedRows, dataFiles, namedFiles } from './tableState.js';

/** The process dies here: not retried, so the execution stops at Commit, ready to redrive. */
class SimulatedCrash extends TerminalError {
  override name = 'SimulatedCrash';
}

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});

async function setup() {
  const h = await makeDeps();
  cleanups.push(h.cleanup);
  return h;
}

async function run(runner: ReturnType<typeof ingestRunner>['runner'], input: unknown) {
  const { executionArn } = await runner.startExecution({ input });
  return runner.waitForExecution(executionArn);
}

/**
 * `deps` whose store and catalog writes count while armed, and the `crashAt`-th throws
 * `SimulatedCrash` before it happens (so "after write n" is "before write n + 1").
 */
function crashing(deps: PipelineDeps) {
  const state = { armed: false, writes: 0, crashAt: Infinity, log: [] as string[] };
  const step = (what: string) => {
    if (!state.armed) return;
    state.writes++;
    state.log.push(what);
    if (state.writes === state.crashAt) throw new SimulatedCrash(`crash before ${what}`);
  };
  const s = deps.store;
  const store: ObjectStore = {
    get: (...a) => s.get(...a),
    head: (...a) => s.head(...a),
    list: (...a) => s.list(...a),
    put: async (...a) => (step(`put ${a[1]}`), s.put(...a)),
    copy: async (...a) => (step(`copy ${a[1].key}`), s.copy(...a)),
    delete: async (...a) => (step(`delete ${a[1].join(' ')}`), s.delete(...a)),
  };
  const c = deps.catalog;
  const catalog: Catalog = {
    ensureDatabase: async (...a) => (step('ensureDatabase'), c.ensureDatabase(...a)),
    ensureTable: async (...a) => (step(`ensureTable ${a[1].Name}`), c.ensureTable(...a)),
    ensureView: async (...a) => (step(`ensureView ${a[1].Name}`), c.ensureView(...a)),
    registerPartitions: async (...a) => (step(`register ${a[1]}`), c.registerPartitions(...a)),
    getTable: (...a) => c.getTable(...a),
    listTables: (...a) => c.listTables(...a),
    listPartitions: (...a) => c.listPartitions(...a),
  };
  return { state, deps: { ...deps, store, catalog } };
}

/** Everything a reader or a redrive could tell apart: keys, named files, partitions, rows. */
async function snapshot(h: Awaited<ReturnType<typeof setup>>, dataset: string) {
  const partitions = async (t: string) =>
    (await h.catalog.listPartitions('lake', t)).map((p) => p.Values.join('/')).sort();
  return {
    keys: await keys(h.store, BUCKETS.curated),
    named: await namedFiles(h.store, dataset),
    onDisk: [
      ...(await dataFiles(h.store, dataset)),
      ...(await dataFiles(h.store, `${dataset}_rejected`)),
    ].sort(),
    partitions: await partitions(dataset),
    rejectedPartitions: await partitions(`${dataset}_rejected`),
    rows: (await committedRows(h.store, dataset)).map((r) => String(r.id)).sort(),
  };
}

describe('a crash at every step of Commit, then a redrive', async () => {
  const usersCsv = await readFile('sample_data/users.csv');

  async function cleanRun() {
    const h = await setup();
    const c = crashing(h.deps);
    const { runner } = ingestRunner(c.deps, { Commit: () => void (c.state.armed = true) });
    const result = await run(runner, await upload(h.store, 'users.csv', usersCsv));
    expect(result.status).toBe('SUCCEEDED');
    return { writes: c.state.log, expected: await snapshot(h, 'users') };
  }

  const clean = await cleanRun();

  it('a clean Commit writes its steps in the documented order', () => {
    const manifestAt = clean.writes.findIndex((w) => w.startsWith('put _manifests/'));
    expect(manifestAt).toBeGreaterThan(0);
    // Publishing and registering come before the commit point, deletions after it.
    expect(clean.writes.slice(0, manifestAt).every((w) => !w.startsWith('delete'))).toBe(true);
    expect(clean.writes.slice(manifestAt + 1).every((w) => w.startsWith('delete'))).toBe(true);
    expect(clean.expected.named).toEqual(clean.expected.onDisk);
    expect(clean.expected.keys.some((k) => k.startsWith('_staging/'))).toBe(false);
  });

  // Crash before each write in turn, and once after the last (the work done, its result lost).
  const points: [number, string][] = clean.writes.map((w, i) => [i + 1, `before ${w}`]);
  points.push([clean.writes.length + 1, 'after the last write, before the task result']);

  it.each(points)('crash %i (%s): the redrive converges to the exact table', async (n) => {
    const h = await setup();
    const c = crashing(h.deps);
    const last = n > clean.writes.length;
    const { runner } = ingestRunner(
      c.deps,
      {
        Commit: (call) => {
          c.state.armed = call === 1;
          c.state.crashAt = call === 1 && !last ? n : Infinity;
        },
      },
      {
        Commit: (call) => {
          if (last && call === 1) throw new SimulatedCrash('crash after Commit did its work');
        },
      },
    );
    const failed = await run(runner, await upload(h.store, 'users.csv', usersCsv));
    expect(failed).toMatchObject({ status: 'FAILED', error: 'SimulatedCrash' });
    // Before the redrive nothing is half-visible: the manifest names all of the new files or none.
    const between = await snapshot(h, 'users');
    expect([[], clean.expected.rows]).toContainEqual(between.rows);

    await runner.redriveExecution(failed.executionArn);
    const redriven = await runner.waitForExecution(failed.executionArn);
    expect(redriven.status).toBe('SUCCEEDED');
    const summary = JSON.parse(redriven.output!) as RunSummary;
    expect(summary.rowsRead).toBe(summary.rowsCurated + summary.rowsRejected);
    expect(summary.superseded).toBe(false);
    expect(await snapshot(h, 'users')).toEqual(clean.expected);
  });
});

const HEADER = 'id,email,name,country,created_at,updated_at';
/** A users file of valid rows with ids `ids`, each marked with `tag` in its name. */
function usersFile(ids: number[], tag: string): string {
  return [
    HEADER,
    ...ids.map((id) => `${id},u${id}@example.com,${tag}-${id},US,2026-01-05T10:00:00Z,`),
  ].join('\n');
}

/**
 * A store whose first manifest write waits for `gate` before it is attempted; `reached` resolves
 * when that write arrives.
 */
function holdingFirstManifestWrite(store: MemoryObjectStore, gate: Promise<void>) {
  let held = false;
  let arrived = () => {};
  const reached = new Promise<void>((r) => (arrived = r));
  const wrapped: ObjectStore = Object.create(store) as ObjectStore;
  wrapped.put = async (bucket, key, ...rest) => {
    if (!held && key.startsWith('_manifests/')) {
      held = true;
      arrived();
      await gate;
    }
    return store.put(bucket, key, ...rest);
  };
  return { store: wrapped, reached };
}

describe('two Commits of one key at once', () => {
  async function race(holdTheOlder: boolean) {
    const h = await setup();
    const v1 = await upload(h.store, 'users.csv', usersFile([1, 2, 3], 'v1'));
    v1.detail.object.sequencer = '0000000000000000A1';
    const one = await stageUpload(h.deps, v1, 'exec-v1');
    const v2 = await upload(h.store, 'users.csv', usersFile([3, 4], 'v2'));
    v2.detail.object.sequencer = '0000000000000000A2';
    const two = await stageUpload(h.deps, v2, 'exec-v2');

    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const holding = holdingFirstManifestWrite(h.store, gate);
    const held = { ...h.deps, store: holding.store };
    const [first, second] = holdTheOlder ? [one, two] : [two, one];
    const firstRun = commit({ ...first, executionId: holdTheOlder ? 'exec-v1' : 'exec-v2' }, held);
    await holding.reached; // the first is at its manifest write, waiting
    const secondSummary = await commit(
      { ...second, executionId: holdTheOlder ? 'exec-v2' : 'exec-v1' },
      held,
    );
    release();
    const firstSummary = await firstRun;
    const rows = await committedRows(h.store, 'users');
    return {
      h,
      v1: holdTheOlder ? firstSummary : secondSummary,
      v2: holdTheOlder ? secondSummary : firstSummary,
      names: rows.map((r) => String(r.name)).sort(),
    };
  }

  it('the older one, held at its manifest write, loses and takes its files back', async () => {
    const { h, v1, v2, names } = await race(true);
    expect(v1.superseded).toBe(true);
    expect(v2.superseded).toBe(false);
    expect(names).toEqual(['v2-3', 'v2-4']);
    expect(await dataFiles(h.store, 'users')).toEqual(
      (await namedFiles(h.store, 'users')).filter((f) => f.startsWith('users/')),
    );
  });

  it('the newer one, held at its manifest write, re-reads, wins, and retires the older', async () => {
    const { h, v1, v2, names } = await race(false);
    expect(v1.superseded).toBe(false); // it committed, then was replaced
    expect(v2.superseded).toBe(false);
    expect(names).toEqual(['v2-3', 'v2-4']);
    expect(await dataFiles(h.store, 'users')).toEqual(
      (await namedFiles(h.store, 'users')).filter((f) => f.startsWith('users/')),
    );
    expect(await keys(h.store, BUCKETS.curated, '_staging/')).toEqual([]);
  });
});

describe('one version per execution', () => {
  it('an event whose version was replaced before the copy ends SUCCEEDED as superseded', async () => {
    const h = await setup();
    const { runner } = ingestRunner(h.deps);
    const v1 = await upload(h.store, 'users.csv', usersFile([1, 2, 3, 4, 5], 'v1'));
    const v2 = await upload(h.store, 'users.csv', usersFile([9], 'v2'));
    const first = await run(runner, v1);
    expect(first.status).toBe('SUCCEEDED');
    expect(JSON.parse(first.output!)).toMatchObject({ superseded: true, sourceKey: 'users.csv' });
    expect(await keys(h.store, BUCKETS.raw)).toEqual([]); // v2's bytes were not read as v1's
    const second = await run(runner, v2);
    expect(JSON.parse(second.output!)).toMatchObject({ superseded: false, rowsRead: 1 });
    expect((await committedRows(h.store, 'users')).map((r) => r.name)).toEqual(['v2-9']);
  });

  it('ten versions of one key 0-200 ms apart end with exactly the last version', async () => {
    const h = await setup();
    // Every store call takes 0-4 ms, so the ten executions interleave at every await.
    const slow: ObjectStore = Object.create(h.store) as ObjectStore;
    for (const op of ['get', 'head', 'put', 'copy', 'list', 'delete'] as const) {
      const inner = (h.store[op] as (...a: unknown[]) => Promise<unknown>).bind(h.store);
      (slow as unknown as Record<string, unknown>)[op] = async (...a: unknown[]) => {
        await new Promise((r) => setTimeout(r, Math.random() * 4));
        return inner(...a);
      };
    }
    const { runner } = ingestRunner({ ...h.deps, store: slow });
    const started: Promise<unknown>[] = [];
    for (let v = 1; v <= 10; v++) {
      const ids = Array.from({ length: 20 + v }, (_, i) => v * 100 + i);
      const event = await upload(h.store, 'users.csv', usersFile(ids, `v${v}`));
      event.detail.object.sequencer = String(v).padStart(18, '0');
      started.push(run(runner, event));
      await new Promise((r) => setTimeout(r, Math.random() * 200));
    }
    const results = (await Promise.all(started)) as { status: string }[];
    expect(results.map((r) => r.status)).toEqual(Array(10).fill('SUCCEEDED'));
    const rows = await committedRows(h.store, 'users');
    expect(rows.map((r) => String(r.name)).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `v10-${1000 + i}`).sort(),
    );
    expect(await dataFiles(h.store, 'users')).toEqual(
      (await namedFiles(h.store, 'users')).filter((f) => f.startsWith('users/')),
    );
    expect(await keys(h.store, BUCKETS.curated, '_staging/')).toEqual([]);
  });
});
