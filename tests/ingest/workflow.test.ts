/**
 * The ingest workflow end to end: `workflows/ingest.asl.json` run by our runner, the five steps
 * over an in-process object store and the local catalog. Pins the invariants of DESIGN.md:
 * rows in = curated + rejected, replays change nothing, new versions replace, bad files are
 * quarantined, transient faults are retried, terminal faults can be redriven without duplicates.
 */
import { readFile, readdir } from 'node:fs/promises';
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { TerminalError } from '../../src/core/errors.js';
import { StorageUnavailableError } from '../../src/core/storageErrors.js';
import type { MemoryObjectStore } from '../../src/core/storage/memoryObjectStore.js';
import type { RunSummary } from '../../src/pipeline/index.js';
import { loadContracts, type Contract } from '../../src/core/contract/index.js';
import { hourOf, splitUsers } from '../twin/expected.js';
import { BUCKETS, keys, makeDeps, upload } from '../pipeline/harness.js';
import { ingestRunner, type StepName } from './runIngest.js';

class InjectedFault extends TerminalError {
  override name = 'InjectedFault';
}

const SAMPLES = 'sample_data';
let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});

async function setup(overrides: Parameters<typeof makeDeps>[0] = {}) {
  const h = await makeDeps(overrides);
  cleanups.push(h.cleanup);
  return h;
}

/** `date` or `date/hour` of a summary's partition (no hour at day grain). */
function name(p: { date: string; hour?: string }): string {
  return p.hour === undefined ? p.date : `${p.date}/${p.hour}`;
}

/** Data records of a sample file, counted with papaparse (not our reader). */
function countRecords(text: string, header: boolean): number {
  const rows = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' }).data;
  return rows.length - (header ? 1 : 0);
}

async function run(runner: ReturnType<typeof ingestRunner>['runner'], input: unknown) {
  const { executionArn } = await runner.startExecution({ input });
  return runner.waitForExecution(executionArn);
}

/** Every curated key (file names derive from the source id and chunk, so equal keys mean no duplicate rows). */
async function curatedSnapshot(store: MemoryObjectStore) {
  return (await store.list(BUCKETS.curated, '')).map((o) => o.key);
}

describe('each sample file', async () => {
  const files = (await readdir(SAMPLES)).filter((f) => f.endsWith('.csv')).sort();
  it.each(files)('%s: rows in = curated + rejected, partitions registered', async (file) => {
    const { deps, store, catalog } = await setup();
    const text = await readFile(`${SAMPLES}/${file}`, 'utf8');
    const { runner } = ingestRunner(deps);
    const result = await run(runner, await upload(store, `inbox/${file}`, text));
    expect(result.status).toBe('SUCCEEDED');
    const summary = JSON.parse(result.output!) as RunSummary;
    const contract = deps.contracts.find((c) => c.dataset === summary.dataset)!;
    expect(summary.rowsRead).toBe(countRecords(text, contract.csv?.header ?? true));
    expect(summary.rowsRead).toBe(summary.rowsCurated + summary.rowsRejected);
    const registered = [
      ...(await catalog.listPartitions('lake', summary.dataset)).map(
        (p) => `${summary.dataset}/${p.Values.join('/')}`,
      ),
      ...(await catalog.listPartitions('lake', `${summary.dataset}_rejected`)).map(
        (p) => `${summary.dataset}_rejected/${p.Values.join('/')}`,
      ),
    ].sort();
    expect(registered).toEqual(summary.partitions.map((p) => `${p.table}/${name(p)}`).sort());
    expect(summary.partitions.reduce((n, p) => n + p.rows, 0)).toBe(summary.rowsRead);
  });
});

describe('replay and versions', () => {
  it('replaying the same event writes the same files and no duplicate rows', async () => {
    const { deps, store } = await setup();
    const { runner } = ingestRunner(deps);
    const event = await upload(store, 'users.csv', await readFile(`${SAMPLES}/users.csv`));
    const first = JSON.parse((await run(runner, event)).output!) as RunSummary;
    const before = await curatedSnapshot(store);
    const second = JSON.parse((await run(runner, event)).output!) as RunSummary;
    expect(second.files).toEqual(first.files);
    expect(await curatedSnapshot(store)).toEqual(before);
  });

  it('a new version of the same key replaces the old rows', async () => {
    const { deps, store } = await setup();
    const { runner } = ingestRunner(deps);
    const text = await readFile(`${SAMPLES}/departments.csv`, 'utf8');
    await run(runner, await upload(store, 'departments.csv', text, '2026-11-20T10:00:00Z'));
    const v2 = text.split('\n').slice(0, 3).join('\n');
    const out = await run(
      runner,
      await upload(store, 'departments.csv', v2, '2026-11-21T10:00:00Z'),
    );
    expect(JSON.parse(out.output!)).toMatchObject({ rowsRead: 3, rowsCurated: 3 });
    const files = await keys(store, BUCKETS.curated, 'departments/');
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^departments\/date=2026-11-21\/part-/);
  });
});

describe('bad files end in quarantine with a named error', () => {
  it.each([
    [
      'an unknown dataset',
      'inbox/mystery.csv',
      new TextEncoder().encode('a,b\n1,2\n'),
      'UnknownDatasetError',
      '_unknown/inbox/mystery.csv',
    ],
    [
      'invalid UTF-8',
      'users.csv',
      new Uint8Array([
        ...new TextEncoder().encode('id,email,name,country,created_at,updated_at\n1,a@b.co,'),
        0xff,
        0xfe,
        10,
      ]),
      'EncodingError',
      'users/users.csv',
    ],
    [
      'a wrong header',
      'users.csv',
      new TextEncoder().encode('id,mail,name\n1,a@b.co,A\n'),
      'HeaderMismatchError',
      'users/users.csv',
    ],
    [
      'too many rejected rows',
      'jobs.csv',
      new TextEncoder().encode('x,Engineer\ny,Analyst\n3,Clerk\n'),
      'RejectRatioExceededError',
      'jobs/jobs.csv',
    ],
  ])('%s', async (_what, key, bytes, error, quarantineKey) => {
    const { deps, store } = await setup();
    const { runner } = ingestRunner(deps);
    const result = await run(runner, await upload(store, key, bytes));
    expect(result).toMatchObject({ status: 'FAILED', error });
    expect(store.bytes(BUCKETS.quarantine, quarantineKey)).toEqual(bytes);
    const report = JSON.parse(
      new TextDecoder().decode(store.bytes(BUCKETS.quarantine, `${quarantineKey}.error.json`)),
    );
    expect(report).toMatchObject({ error, executionId: result.executionArn });
    expect(await keys(store, BUCKETS.curated, '_staging/')).toEqual([]);
    expect(await keys(store, BUCKETS.curated, key.split('.')[0])).toEqual([]);
  });
});

describe('a contract that changes the partitioning of an existing table', () => {
  it('stops at Commit with PartitioningChangedError, publishing nothing and keeping the table', async () => {
    const { deps, store, catalog } = await setup();
    const text = await readFile(`${SAMPLES}/users.csv`, 'utf8');
    const first = await run(ingestRunner(deps).runner, await upload(store, 'users.csv', text));
    expect(first.status).toBe('SUCCEEDED');
    const before = await curatedSnapshot(store);

    const byHour = deps.contracts.map((c) =>
      c.dataset === 'users'
        ? { ...c, partitioning: { ...c.partitioning, grain: 'hour' as const } }
        : c,
    );
    const again = await upload(store, 'more/users.csv', text.split('\n').slice(0, 5).join('\n'));
    const result = await run(ingestRunner({ ...deps, contracts: byHour }).runner, again);
    expect(result).toMatchObject({ status: 'FAILED', error: 'PartitioningChangedError' });
    expect((JSON.parse(result.cause!) as { errorMessage: string }).errorMessage).toBe(
      'table users: the contract\'s partitioning.grain would change from "day" to "hour"; its files are laid out by the old one. Keep the old partitioning in schemas/users.json, or re-lay the data: delete the table and its curated files, then run lake reprocess users',
    );
    // Terminal, not a data error: the file is not quarantined, it waits for a redrive.
    expect(await keys(store, BUCKETS.quarantine, '')).toEqual([]);
    expect((await catalog.getTable('lake', 'users'))?.PartitionKeys?.map((k) => k.Name)).toEqual([
      'date',
    ]);
    const published = (await curatedSnapshot(store)).filter((k) => !k.startsWith('_staging/'));
    expect(published).toEqual(before.filter((k) => !k.startsWith('_staging/')));
  });
});

describe('a file that scatters over too many partitions', () => {
  /** The sample contracts, with `users` partitioned as given. */
  async function usersPartitionedBy(partitioning: Contract['partitioning']) {
    const contracts = (await loadContracts('schemas')).map((c) =>
      c.dataset === 'users' ? { ...c, partitioning } : c,
    );
    return contracts;
  }

  function expectQuarantined(
    store: MemoryObjectStore,
    result: { status: string; error?: string; cause?: string },
    partitions: RegExp,
  ) {
    expect(result).toMatchObject({ status: 'FAILED', error: 'PartitionLimitExceededError' });
    expect(result.cause).toContain('partitioning.maxPartitionsPerFile');
    expect(result.cause).toMatch(partitions);
    expect(store.bytes(BUCKETS.quarantine, 'users/users.csv')).toBeDefined();
  }

  it('is quarantined by Transform as soon as one chunk passes the limit', async () => {
    // 289 accepted users created on 287 distinct hours: far over the default 100.
    const { deps, store } = await setup({
      contracts: await usersPartitionedBy({ time: 'created_at', grain: 'hour' }),
    });
    const { runner, calls } = ingestRunner(deps);
    const text = await readFile(`${SAMPLES}/users.csv`);
    const result = await run(runner, await upload(store, 'users.csv', text));
    expectQuarantined(store, result, /maxPartitionsPerFile is 100 and .* at least 101 partitions/);
    expect(calls.Commit).toBe(0);
    expect(await keys(store, BUCKETS.curated, '_staging/')).toEqual([]);
    expect(await keys(store, BUCKETS.curated, 'users')).toEqual([]);
  });

  it('is quarantined by Commit when the chunks together pass it', async () => {
    // 60 users on 60 days, in chunks of a few hundred bytes: no chunk alone reaches 50 days.
    const lines = ['id,email,name,country,created_at,updated_at'];
    for (let i = 0; i < 60; i++) {
      const day = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
      lines.push(`${i + 1},u${i}@example.com,U ${i},US,${day}T12:00:00Z,`);
    }
    const { deps, store } = await setup({
      chunkBytes: 600,
      contracts: await usersPartitionedBy({
        time: 'created_at',
        grain: 'day',
        maxPartitionsPerFile: 50,
      }),
    });
    const { runner, calls } = ingestRunner(deps);
    const result = await run(runner, await upload(store, 'users.csv', lines.join('\n')));
    expect(calls.Transform).toBeGreaterThan(1);
    expect(calls.Commit).toBeGreaterThan(0);
    expectQuarantined(store, result, /maxPartitionsPerFile is 50 and .* over 60 partitions,/);
    expect(await keys(store, BUCKETS.curated, '_staging/')).toEqual([]);
    expect(await keys(store, BUCKETS.curated, 'users')).toEqual([]);
  });

  it('passes when the limit is raised for a backfill', async () => {
    const { deps, store } = await setup({
      contracts: await usersPartitionedBy({
        time: 'created_at',
        grain: 'hour',
        maxPartitionsPerFile: 1000,
      }),
    });
    const { runner } = ingestRunner(deps);
    const text = await readFile(`${SAMPLES}/users.csv`, 'utf8');
    const result = await run(runner, await upload(store, 'users.csv', text));
    expect(result.status).toBe('SUCCEEDED');
    const summary = JSON.parse(result.output!) as RunSummary;
    // Computed without the product: the distinct created_at hours of the acceptable rows.
    const good = splitUsers(text).good;
    const hours = new Set(good.map((g) => hourOf(g.time!)));
    expect(hours.size).toBeGreaterThan(100);
    expect(summary.partitions.filter((p) => p.table === 'users')).toHaveLength(hours.size);
    expect(summary.rowsCurated).toBe(good.length);
  });
});

describe('fault injection', () => {
  const tasks: StepName[] = ['CopyToRaw', 'Validate', 'Transform', 'Commit'];

  async function clean() {
    const { deps, store } = await setup();
    const { runner } = ingestRunner(deps);
    await run(runner, await upload(store, 'users.csv', await readFile(`${SAMPLES}/users.csv`)));
    return curatedSnapshot(store);
  }

  it.each(tasks)('a transient error in %s is retried to success', async (task) => {
    const expected = await clean();
    const { deps, store } = await setup();
    const { runner, calls } = ingestRunner(deps, {
      [task]: (call: number) => {
        if (call === 1) throw new StorageUnavailableError('S3 slow down (injected)');
      },
    });
    const result = await run(
      runner,
      await upload(store, 'users.csv', await readFile(`${SAMPLES}/users.csv`)),
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(calls[task]).toBe(2);
    const { events } = await runner.getExecutionHistory(result.executionArn);
    expect(
      events.some(
        (e) =>
          e.type === 'TaskFailed' && e.taskFailedEventDetails?.error === 'StorageUnavailableError',
      ),
    ).toBe(true);
    expect(await curatedSnapshot(store)).toEqual(expected);
  });

  it('a transient error in Quarantine is retried too', async () => {
    const { deps, store } = await setup();
    const { runner, calls } = ingestRunner(deps, {
      Quarantine: (call) => {
        if (call === 1) throw new StorageUnavailableError('injected');
      },
    });
    const result = await run(runner, await upload(store, 'nobody.csv', 'x\n'));
    expect(result).toMatchObject({ status: 'FAILED', error: 'UnknownDatasetError' });
    expect(calls.Quarantine).toBe(2);
    expect(store.bytes(BUCKETS.quarantine, '_unknown/nobody.csv.error.json')).toBeDefined();
  });

  it.each(tasks)(
    'after a terminal error in %s, a redrive finishes with exact counts and no duplicates',
    async (task) => {
      const expected = await clean();
      const { deps, store } = await setup();
      const { runner, calls } = ingestRunner(deps, {
        [task]: (call: number) => {
          if (call === 1) throw new InjectedFault(`injected in ${task}`);
        },
      });
      const event = await upload(store, 'users.csv', await readFile(`${SAMPLES}/users.csv`));
      const failed = await run(runner, event);
      expect(failed).toMatchObject({ status: 'FAILED', error: 'InjectedFault' });
      expect(store.bytes(BUCKETS.quarantine, 'users/users.csv')).toBeUndefined(); // not the file's fault
      const before = { ...calls };
      await runner.redriveExecution(failed.executionArn);
      const redriven = await runner.waitForExecution(failed.executionArn);
      expect(redriven).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
      // States that had succeeded are not run again.
      for (const t of tasks.slice(0, tasks.indexOf(task))) expect(calls[t]).toBe(before[t]);
      const summary = JSON.parse(redriven.output!) as RunSummary;
      expect(summary.rowsRead).toBe(summary.rowsCurated + summary.rowsRejected);
      expect(await curatedSnapshot(store)).toEqual(expected);
    },
  );
});

describe('chunked files', async () => {
  const contracts = await loadContracts('schemas');
  function bigUsers(rows: number): string {
    const lines = ['id,email,name,country,created_at,updated_at'];
    for (let i = 1; i <= rows; i++) {
      const email = i % 17 === 0 ? `broken${i}` : `user${i}@example.com`;
      lines.push(
        `${i},${email},"Name ${i}, ""the ${i}th""\nsecond line",US,2026-04-0${1 + (i % 5)}T${String(i % 24).padStart(2, '0')}:00:00Z,`,
      );
    }
    return lines.join('\r\n');
  }

  it.each([
    ['inline Map', 8 * 1024, 'TransformChunks'],
    ['Distributed Map', 1024, 'TransformChunksDistributed'],
  ])(
    'a file in many chunks (%s) gives the same rows as one chunk',
    async (_what, chunkBytes, mapState) => {
      const text = bigUsers(600);
      const one = await setup();
      const many = await setup({ chunkBytes });
      const a = JSON.parse(
        (await run(ingestRunner(one.deps).runner, await upload(one.store, 'users.csv', text)))
          .output!,
      ) as RunSummary;
      const { runner } = ingestRunner(many.deps);
      const result = await run(runner, await upload(many.store, 'users.csv', text));
      const b = JSON.parse(result.output!) as RunSummary;
      const { events } = await runner.getExecutionHistory(result.executionArn);
      expect(events.some((e) => e.stateEnteredEventDetails?.name === mapState)).toBe(true);
      expect({ read: b.rowsRead, curated: b.rowsCurated, rejected: b.rowsRejected }).toEqual({
        read: 600,
        curated: a.rowsCurated,
        rejected: a.rowsRejected,
      });
      const rows = (s: RunSummary) =>
        s.partitions.map((p) => `${p.table}/${name(p)}=${p.rows}`).sort();
      expect(rows(b)).toEqual(rows(a));
    },
  );

  it.each([
    ['inline Map', 8 * 1024],
    ['Distributed Map', 1024],
  ])(
    'a chunk at fault (%s) quarantines the whole file with its error',
    async (_what, chunkBytes) => {
      // Users by the hour of created_at, at most 3 partitions a file: every chunk spreads over 5.
      const users = contracts.find((c) => c.dataset === 'users')!;
      const strict = {
        ...users,
        partitioning: { time: 'created_at', grain: 'hour' as const, maxPartitionsPerFile: 3 },
      };
      const { deps, store } = await setup({ chunkBytes, contracts: [strict] });
      const { runner } = ingestRunner(deps);
      const result = await run(runner, await upload(store, 'users.csv', bigUsers(600)));
      expect(result).toMatchObject({ status: 'FAILED', error: 'PartitionLimitExceededError' });
      expect(store.bytes(BUCKETS.quarantine, 'users/users.csv')).toBeDefined();
      expect(await keys(store, BUCKETS.curated, 'users/')).toEqual([]);
    },
  );
});
