/** The sweep for uploads whose events never arrived: what it finds, and that it finds it once. */
import { afterEach, describe, expect, it } from 'vitest';
import { pendingUploads, reconcileExecutionName } from '../../src/pipeline/reconcile.js';
import { ingestRunner } from '../ingest/runIngest.js';
import { BUCKETS, makeDeps, upload } from './harness.js';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

const users = (ids: number[]) =>
  [
    'id,email,name,country,created_at,updated_at',
    ...ids.map((i) => `${i},u${i}@example.com,U${i},US,2026-01-05T10:00:00Z,`),
  ].join('\n');

describe('pendingUploads', () => {
  it('finds the uploads without a manifest or quarantine report for their version', async () => {
    const h = await makeDeps();
    cleanup = h.cleanup;
    const deps = { ...h.deps, buckets: { ...h.deps.buckets, ingest: BUCKETS.ingest } };
    const { runner } = ingestRunner(h.deps);
    const run = async (input: unknown, name?: string) =>
      runner.waitForExecution(
        (await runner.startExecution({ input, ...(name ? { name } : {}) })).executionArn,
      );

    await run(await upload(h.store, 'users_done.csv', users([1, 2])));
    await run(await upload(h.store, 'mystery.csv', 'a,b\n1,2'));
    // A replace table's older file, replaced by a later one: nothing left to do for it. Event
    // times are the real write times here, as S3 gives them.
    const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await run(await upload(h.store, 'jobs_old.csv', '1,Pilot', now()));
    await new Promise((r) => setTimeout(r, 1100));
    await run(await upload(h.store, 'jobs_new.csv', '2,Chef', now()));
    await upload(h.store, 'users_lost.csv', users([3])); // its event never arrived
    // A new version of a processed key is pending again.
    await upload(h.store, 'users_done.csv', users([1, 2, 4]));

    const pending = await pendingUploads(deps);
    expect(pending.map((p) => p.object.key).sort()).toEqual(['users_done.csv', 'users_lost.csv']);

    for (const p of pending) {
      const result = await run(p.input, p.executionName);
      expect(result.status).toBe('SUCCEEDED');
    }
    expect(await pendingUploads(deps)).toEqual([]);
  });

  it('names executions by bucket, key and version, within Step Functions rules', () => {
    const a = reconcileExecutionName('b', { key: 'in/ünï cödé users.csv', size: 1, etag: '"x"' });
    expect(a).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(reconcileExecutionName('b', { key: 'in/ünï cödé users.csv', size: 9, etag: 'x' })).toBe(
      a,
    );
    expect(
      reconcileExecutionName('b', { key: 'in/ünï cödé users.csv', size: 1, etag: 'y' }),
    ).not.toBe(a);
    expect(reconcileExecutionName('b', { key: `${'k'.repeat(300)}.csv`, size: 1 })).toMatch(
      /^[A-Za-z0-9_-]{1,80}$/,
    );
  });
});
