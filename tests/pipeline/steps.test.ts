/**
 * The pipeline steps called in workflow order, without the state machine: what each writes,
 * replays that change nothing, and new versions that replace old rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  commit,
  copyToRaw,
  quarantine,
  transformChunk,
  validate,
} from '../../src/pipeline/index.js';
import type { PipelineDeps, RunSummary } from '../../src/pipeline/index.js';
import { BUCKETS, copyToRawOrFail, keys, makeDeps, stageUpload, upload } from './harness.js';

const USERS = [
  'id,email,name,country,created_at,updated_at',
  '1,ana@example.com,Ana,AR,2026-01-05T10:15:00Z,2026-01-06T00:00:00Z',
  '2,not-an-email,Bo,SE,2026-01-05T11:00:00Z,',
  '3,cy@example.com,Cy,US,2026-01-05T11:30:00Z,2026-01-01T00:00:00Z',
  '4,di@example.com,Di,US,2026-01-06T23:59:59Z,',
  ...[5, 6, 7, 8, 9, 10].map((i) => `${i},u${i}@example.com,U${i},US,2026-01-05T10:${10 + i}:00Z,`),
].join('\n');

async function ingest(
  deps: PipelineDeps,
  event: Awaited<ReturnType<typeof upload>>,
  executionId = 'exec-1',
): Promise<RunSummary> {
  return commit({ ...(await stageUpload(deps, event, executionId)), executionId }, deps);
}

describe('pipeline steps', () => {
  let cleanup: () => Promise<void> = async () => {};
  afterEach(() => cleanup());

  it('curates valid rows, rejects bad ones with reasons, and registers both tables', async () => {
    const h = await makeDeps();
    cleanup = h.cleanup;
    const summary = await ingest(h.deps, await upload(h.store, 'uploads/users.csv', USERS));
    expect(summary).toMatchObject({
      dataset: 'users',
      rowsRead: 10,
      rowsCurated: 8,
      rowsRejected: 2,
      superseded: false,
    });
    expect(summary.rowsRead).toBe(summary.rowsCurated + summary.rowsRejected);
    // users are partitioned by ingestion day: the upload's event time.
    const curated = await keys(h.store, BUCKETS.curated, 'users/');
    expect(curated.map((k) => k.split('/')[1]).sort()).toEqual(['date=2026-11-20']);
    expect(await keys(h.store, BUCKETS.curated, '_staging/')).toEqual([]);
    const partitions = await h.catalog.listPartitions('lake', 'users');
    expect(partitions.map((p) => p.Values.join('/')).sort()).toEqual(['2026-11-20']);
    expect(await h.catalog.listPartitions('lake', 'users_rejected')).toHaveLength(1);
  });

  it('a replay writes the same keys and registers nothing new', async () => {
    const h = await makeDeps();
    cleanup = h.cleanup;
    const event = await upload(h.store, 'users.csv', USERS);
    const first = await ingest(h.deps, event, 'exec-1');
    const before = await keys(h.store, BUCKETS.curated);
    const second = await ingest(h.deps, event, 'exec-2');
    expect(second.files).toEqual(first.files);
    expect(await keys(h.store, BUCKETS.curated)).toEqual(before);
  });

  it('a new version of the same key replaces the rows of the old one', async () => {
    const h = await makeDeps();
    cleanup = h.cleanup;
    await ingest(h.deps, await upload(h.store, 'users.csv', USERS, '2026-11-20T10:00:00Z'));
    const v2 = [
      'id,email,name,country,created_at,updated_at',
      '9,zed@example.com,Zed,NO,2026-02-01T08:00:00Z,',
    ].join('\n');
    const summary = await ingest(
      h.deps,
      await upload(h.store, 'users.csv', v2, '2026-11-21T10:00:00Z'),
    );
    expect(summary).toMatchObject({ rowsRead: 1, rowsCurated: 1, rowsRejected: 0 });
    const curated = await keys(h.store, BUCKETS.curated, 'users/');
    expect(curated).toHaveLength(1);
    expect(curated[0]).toContain('date=2026-11-21/');
    expect(await keys(h.store, BUCKETS.curated, 'users_rejected/')).toEqual([]);
  });

  it('an older version committing late is superseded and publishes nothing', async () => {
    const h = await makeDeps();
    cleanup = h.cleanup;
    const old = await upload(h.store, 'users.csv', USERS);
    old.detail.object.sequencer = '0A';
    const oldSource = await copyToRawOrFail(
      {
        bucket: BUCKETS.ingest,
        key: 'users.csv',
        etag: old.detail.object.etag,
        size: old.detail.object.size,
        sequencer: '0A',
        eventTime: old.time,
      },
      h.deps,
    );
    const newer = await upload(h.store, 'users.csv', USERS.split('\n').slice(0, 2).join('\n'));
    newer.detail.object.sequencer = '0B';
    await ingest(h.deps, newer);
    const plan = await validate(oldSource, h.deps);
    const chunks = [];
    for (const chunk of plan.chunks)
      chunks.push(await transformChunk({ source: oldSource, chunk, executionId: 'late' }, h.deps));
    const late = await commit({ source: oldSource, chunks, executionId: 'late' }, h.deps);
    expect(late.superseded).toBe(true);
    expect(await keys(h.store, BUCKETS.curated, 'users/')).toHaveLength(1);
  });

  it('quarantine keeps the file and an error.json naming the error', async () => {
    const h = await makeDeps();
    cleanup = h.cleanup;
    const event = await upload(h.store, 'inbox/mystery.csv', 'a,b\n1,2\n');
    await expect(
      copyToRaw(
        { bucket: BUCKETS.ingest, key: 'inbox/mystery.csv', eventTime: event.time },
        h.deps,
      ),
    ).rejects.toMatchObject({ name: 'UnknownDatasetError' });
    const result = await quarantine(
      {
        event,
        error: {
          Error: 'UnknownDatasetError',
          Cause: JSON.stringify({ errorMessage: 'no contract matches mystery.csv' }),
        },
        executionId: 'x',
      },
      h.deps,
    );
    expect(result).toMatchObject({ objectKey: '_unknown/inbox/mystery.csv', copied: true });
    const report = JSON.parse(
      new TextDecoder().decode(h.store.bytes(BUCKETS.quarantine, result.errorKey)),
    );
    expect(report).toMatchObject({
      error: 'UnknownDatasetError',
      cause: 'no contract matches mystery.csv',
      executionId: 'x',
    });
    expect(new TextDecoder().decode(h.store.bytes(BUCKETS.quarantine, result.objectKey))).toBe(
      'a,b\n1,2\n',
    );
  });

  it('a file split into several chunks gives the same rows as one chunk', async () => {
    const rows = ['id,email,name,country,created_at,updated_at'];
    for (let i = 1; i <= 400; i++)
      rows.push(
        `${i},u${i}@example.com,"Name ${i}\nline two",US,2026-03-0${1 + (i % 3)}T0${i % 10}:00:00Z,`,
      );
    const text = rows.join('\r\n');
    const one = await makeDeps();
    const many = await makeDeps({ chunkBytes: 2048 });
    cleanup = async () => {
      await one.cleanup();
      await many.cleanup();
    };
    const a = await ingest(one.deps, await upload(one.store, 'users.csv', text));
    const b = await ingest(many.deps, await upload(many.store, 'users.csv', text));
    const plan = await validate(
      await copyToRawOrFail(
        { bucket: BUCKETS.ingest, key: 'users.csv', eventTime: '2026-11-20T10:00:00Z' },
        many.deps,
      ),
      many.deps,
    );
    expect(plan.chunks.length).toBeGreaterThan(5);
    expect({ read: b.rowsRead, curated: b.rowsCurated, rejected: b.rowsRejected }).toEqual({
      read: a.rowsRead,
      curated: a.rowsCurated,
      rejected: a.rowsRejected,
    });
    expect(a.rowsRead).toBe(400);
    expect(b.partitions.map((p) => `${p.table}/${p.date}/${p.hour}/${p.rows}`).sort()).toEqual(
      a.partitions.map((p) => `${p.table}/${p.date}/${p.hour}/${p.rows}`).sort(),
    );
  });
});
