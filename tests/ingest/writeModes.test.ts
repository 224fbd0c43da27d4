/**
 * Tables over time (issue 9): append, replace and merge over sequences of uploads, run by our
 * runner over the in-memory store and queried with the twin's DuckDB engine. Expected contents
 * are computed here from the CSV text by a separate, plain model of each mode.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseContract } from '../../src/core/contract/parseContract.js';
import type { Contract } from '../../src/core/contract/types.js';
import { QueryEngine } from '../../src/local/query/index.js';
import type { RunSummary } from '../../src/pipeline/index.js';
import { makeDeps, upload } from '../pipeline/harness.js';
import { ingestRunner } from './runIngest.js';
import { memoryResolver } from './tableState.js';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** A lake over the memory store with a DuckDB engine reading it, and a runner. */
async function lake(overrides: Parameters<typeof makeDeps>[0] = {}) {
  const h = await makeDeps(overrides);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lake-modes-'));
  const engine = await QueryEngine.create({
    catalog: h.catalog,
    resolve: memoryResolver(h.store, dir),
    databases: ['lake'],
    threads: 1,
  });
  cleanups.push(h.cleanup, () => rm(dir, { recursive: true, force: true }));
  cleanups.push(async () => engine.close());
  const { runner } = ingestRunner(h.deps);
  let sequencer = 0;
  const ingest = async (key: string, text: string, time: string) => {
    const event = await upload(h.store, key, text, time);
    event.detail.object.sequencer = String(++sequencer).padStart(18, '0');
    return event;
  };
  const run = async (input: unknown) => {
    const { executionArn } = await runner.startExecution({ input });
    const result = await runner.waitForExecution(executionArn);
    return {
      ...result,
      summary: result.output ? (JSON.parse(result.output) as RunSummary) : undefined,
    };
  };
  const rows = async (sql: string) => (await engine.query(sql)).rows;
  return { ...h, runner, ingest, run, rows };
}

/** `id,job` lines. */
const jobsFile = (pairs: [number, string][]) => pairs.map(([id, job]) => `${id},${job}`).join('\n');

describe('replace: the latest committed file is the table', () => {
  it('a smaller file replaces the table; a failed upload and a replay of the older change nothing', async () => {
    const l = await lake();
    const first = jobsFile([
      [1, 'Engineer'],
      [2, 'Manager'],
      [3, 'Analyst'],
    ]);
    const second = jobsFile([[7, 'Pilot']]);
    const e1 = await l.ingest('jobs.csv', first, '2026-11-20T10:00:00Z');
    expect((await l.run(e1)).status).toBe('SUCCEEDED');
    expect(await l.rows('SELECT id, job FROM jobs ORDER BY id')).toEqual([
      [1, 'Engineer'],
      [2, 'Manager'],
      [3, 'Analyst'],
    ]);

    // Another key, later: it is the whole table now.
    const e2 = await l.ingest('jobs_2026-11-21.csv', second, '2026-11-21T10:00:00Z');
    expect((await l.run(e2)).status).toBe('SUCCEEDED');
    const expected = [[7, 'Pilot']];
    expect(await l.rows('SELECT id, job FROM jobs ORDER BY id')).toEqual(expected);

    // A file at fault (every row rejected) is quarantined and leaves the table as it was.
    const bad = await l.ingest('jobs_bad.csv', 'x,y\nz,w', '2026-11-22T10:00:00Z');
    expect(await l.run(bad)).toMatchObject({ status: 'FAILED', error: 'RejectRatioExceededError' });
    expect(await l.rows('SELECT id, job FROM jobs ORDER BY id')).toEqual(expected);

    // Replaying the older file's execution: superseded, nothing changes.
    const replay = await l.run(e1);
    expect(replay.status).toBe('SUCCEEDED');
    expect(replay.summary?.superseded).toBe(true);
    expect(await l.rows('SELECT id, job FROM jobs ORDER BY id')).toEqual(expected);
    expect(await l.rows('SELECT count(*) FROM jobs_rejected')).toEqual([[0]]);
  });
});

interface Version {
  key: string;
  time: string;
  rows: { id: number; name: string }[];
}

/**
 * The model of merge: per key the last upload of it counts (a key's new version replaces its
 * rows); across keys the latest event time wins, then the greater key; within a file the first
 * occurrence of an id.
 */
function expectedCurrent(uploads: Version[]): [number, string][] {
  const byKey = new Map<string, Version>();
  for (const u of uploads) byKey.set(u.key, u);
  const best = new Map<number, { time: string; key: string; name: string }>();
  for (const v of byKey.values()) {
    const seen = new Set<number>();
    for (const r of v.rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      const have = best.get(r.id);
      const later = !have || v.time > have.time || (v.time === have.time && v.key > have.key);
      if (later) best.set(r.id, { time: v.time, key: v.key, name: r.name });
    }
  }
  return [...best.entries()].sort(([a], [b]) => a - b).map(([id, b]) => [id, b.name]);
}

const usersFile = (rows: { id: number; name: string }[]) =>
  [
    'id,email,name,country,created_at,updated_at',
    ...rows.map((r) => `${r.id},u${r.id}@example.com,${r.name},US,2026-01-05T10:00:00Z,`),
  ].join('\n');

const named = (ids: number[], tag: string) => ids.map((id) => ({ id, name: `${tag}-${id}` }));

describe('merge: the history, and the latest version of each key', () => {
  it('overlapping files, then a new version of the first key', async () => {
    const l = await lake();
    const uploads: Version[] = [
      { key: 'users_a.csv', time: '2026-11-20T10:00:00Z', rows: named([1, 2, 3, 4, 5], 'a') },
      { key: 'users_b.csv', time: '2026-11-21T10:00:00Z', rows: named([4, 5, 6, 7, 8], 'b') },
      { key: 'users_a.csv', time: '2026-11-22T10:00:00Z', rows: named([1, 2], 'a2') },
    ];
    for (const u of uploads) {
      const result = await l.run(await l.ingest(u.key, usersFile(u.rows), u.time));
      expect(result.status).toBe('SUCCEEDED');
    }
    expect(await l.rows('SELECT id, name FROM users_current ORDER BY id')).toEqual(
      expectedCurrent(uploads),
    );
    // The history holds every committed version: users_a's second version and users_b.
    expect(await l.rows('SELECT count(*) FROM users')).toEqual([[7]]);
    expect(await l.rows('SELECT count(*) FROM users_current')).toEqual([[7]]);
    const views = await l.catalog.listTables('lake');
    expect(views.find((t) => t.Name === 'users_current')?.TableType).toBe('VIRTUAL_VIEW');
  });

  it('two files touching the same keys, run at once, end with the later one by the order', async () => {
    const l = await lake();
    const uploads: Version[] = [
      { key: 'users_x.csv', time: '2026-11-20T10:00:05Z', rows: named([1, 2, 3], 'x') },
      // Same second: the greater key wins.
      { key: 'users_y.csv', time: '2026-11-20T10:00:05Z', rows: named([2, 3, 4], 'y') },
      { key: 'users_w.csv', time: '2026-11-20T10:00:01Z', rows: named([3, 4, 5], 'w') },
    ];
    const events = [];
    for (const u of uploads) events.push(await l.ingest(u.key, usersFile(u.rows), u.time));
    const results = await Promise.all(events.map((e) => l.run(e)));
    expect(results.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(await l.rows('SELECT id, name FROM users_current ORDER BY id')).toEqual(
      expectedCurrent(uploads),
    );
    // Replaying any execution changes nothing but the audit column naming the execution.
    const all = 'SELECT * EXCLUDE (_execution_id) FROM users ORDER BY id, _source_key';
    const before = await l.rows(all);
    await l.run(events[1]);
    expect(await l.rows(all)).toEqual(before);
    expect(await l.rows('SELECT id, name FROM users_current ORDER BY id')).toEqual(
      expectedCurrent(uploads),
    );
  });

  it('a key repeated across chunks of one file: history keeps both, current the first', async () => {
    const l = await lake({ chunkBytes: 200 });
    const rows = named(
      Array.from({ length: 30 }, (_, i) => i + 1),
      'r',
    );
    rows.push({ id: 3, name: 'late-3' }); // far from the first id 3: another chunk
    const u: Version = { key: 'users.csv', time: '2026-11-20T10:00:00Z', rows };
    const result = await l.run(await l.ingest(u.key, usersFile(rows), u.time));
    expect(result.status).toBe('SUCCEEDED');
    expect(await l.rows('SELECT count(*) FROM users WHERE id = 3')).toEqual([[2]]);
    expect(await l.rows('SELECT id, name FROM users_current ORDER BY id')).toEqual(
      expectedCurrent([u]),
    );
  });

  it('a delete marker removes a key from the current view, not from the history', async () => {
    const contract: Contract = parseContract(
      {
        dataset: 'accounts',
        files: ['accounts*.csv'],
        columns: [
          { name: 'id', type: 'int', nullable: false },
          { name: 'plan', type: 'string' },
          { name: 'deleted', type: 'boolean' },
        ],
        primaryKey: ['id'],
        writeMode: 'merge',
        deleteMarker: 'deleted',
        partitioning: { time: 'ingestion', grain: 'day' },
      },
      'accounts.json',
    );
    const l = await lake({ contracts: [contract] });
    const file = (lines: string[]) => ['id,plan,deleted', ...lines].join('\n');
    await l.run(
      await l.ingest(
        'accounts_1.csv',
        file(['1,free,', '2,pro,false', '3,pro,']),
        '2026-11-20T10:00:00Z',
      ),
    );
    await l.run(
      await l.ingest(
        'accounts_2.csv',
        file(['2,pro,true', '3,team,false']),
        '2026-11-21T10:00:00Z',
      ),
    );
    expect(await l.rows('SELECT id, plan FROM accounts_current ORDER BY id')).toEqual([
      [1, 'free'],
      [3, 'team'],
    ]);
    expect(await l.rows('SELECT count(*) FROM accounts WHERE id = 2')).toEqual([[2]]);
  });
});

describe('append: every file adds its rows', () => {
  it('two keys add up; a new version of one key replaces only its rows', async () => {
    const l = await lake();
    const tx = (ids: number[], amount: string) =>
      [
        'transaction_id,user_id,amount,currency,business_date,booked_at',
        ...ids.map(
          (i) => `TX${String(i).padStart(8, '0')},1,${amount},USD,2026-01-05,2026-01-05T10:00:00Z`,
        ),
      ].join('\n');
    await l.run(
      await l.ingest('transactions_1.csv', tx([1, 2, 3], '1.00'), '2026-11-20T10:00:00Z'),
    );
    await l.run(await l.ingest('transactions_2.csv', tx([3, 4], '2.00'), '2026-11-21T10:00:00Z'));
    expect(await l.rows('SELECT count(*) FROM transactions')).toEqual([[5]]);
    await l.run(await l.ingest('transactions_1.csv', tx([1], '5.00'), '2026-11-22T10:00:00Z'));
    expect(
      await l.rows(
        'SELECT transaction_id, CAST(amount AS VARCHAR) FROM transactions ORDER BY 1, 2',
      ),
    ).toEqual([
      ['TX00000001', '5.00'],
      ['TX00000003', '2.00'],
      ['TX00000004', '2.00'],
    ]);
  });
});

describe('changing the write mode of a table that exists', () => {
  it('into or out of replace is refused; append and merge may trade places', async () => {
    const base = (writeMode: string) =>
      parseContract(
        {
          dataset: 'things',
          files: ['things*.csv'],
          csv: { header: false },
          columns: [
            { name: 'id', type: 'int', nullable: false },
            { name: 'label', type: 'string' },
          ],
          primaryKey: ['id'],
          writeMode,
          partitioning: { time: 'ingestion', grain: 'day' },
        },
        'things.json',
      );
    const l = await lake({ contracts: [base('append')] });
    const ok = await l.run(await l.ingest('things.csv', '1,a', '2026-11-20T10:00:00Z'));
    expect(ok.status).toBe('SUCCEEDED');

    l.deps.contracts.splice(0, 1, base('merge'));
    const merged = await l.run(await l.ingest('things.csv', '1,b', '2026-11-21T10:00:00Z'));
    expect(merged.status).toBe('SUCCEEDED');
    expect(await l.rows('SELECT id, label FROM things_current')).toEqual([[1, 'b']]);

    l.deps.contracts.splice(0, 1, base('replace'));
    const refused = await l.run(await l.ingest('things_2.csv', '2,c', '2026-11-22T10:00:00Z'));
    expect(refused).toMatchObject({ status: 'FAILED', error: 'SchemaConflictError' });
    expect(refused.cause).toContain('writeMode would change from merge to replace');
    expect(await l.rows('SELECT id, label FROM things ORDER BY id')).toEqual([[1, 'b']]);
  });
});
