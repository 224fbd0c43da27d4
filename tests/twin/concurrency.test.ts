/**
 * Twenty uploads at once, all into the same partition of `users` (its contract partitions by
 * ingestion day): every execution succeeds, every row lands once, and the catalog holds each
 * partition once.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Twin } from '../../src/local/twin.js';
import { daysBetween, splitUsers } from './expected.js';
import {
  defaultSdkClient,
  lakeQueryJson,
  listKeys,
  removeDir,
  sourceKey,
  startTestTwin,
  tempDir,
  waitForExecutions,
} from './helpers.js';

const FILES = 20;
const ROWS = 40;
/** Six hours of 2023-05-01 the rows were created in (event time, not the partition). */
const HOURS = 6;

/** File `f`: ROWS users with ids unique across files, created in the shared hours, two bad rows. */
function usersFile(f: number): string {
  const lines = ['id,email,name,country,created_at,updated_at'];
  for (let r = 0; r < ROWS; r++) {
    const id = 100_000 + f * 1000 + r;
    const created = new Date(Date.UTC(2023, 4, 1, r % HOURS, (f * 7 + r) % 60, r % 60));
    const updated = new Date(created.getTime() + 3_600_000);
    let email = `user${id}@example.com`;
    if (r === 5) email = 'not-an-email'; // rejected: format
    const country = r === 9 ? 'Germany' : 'DE'; // rejected: pattern
    lines.push(
      [id, email, `User ${f}-${r}`, country, created.toISOString(), updated.toISOString()].join(
        ',',
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

let dir: string;
let twin: Twin;
let client: S3Client;
let runs: Awaited<ReturnType<typeof waitForExecutions>>;
/** Days the uploads' ingestion time may fall on. */
let uploadDays: Set<string>;
const bodies = Array.from({ length: FILES }, (_, f) => usersFile(f));
const keyOf = (f: number) => `batch/users_${String(f).padStart(2, '0')}.csv`;

beforeAll(async () => {
  dir = await tempDir('concurrency');
  twin = await startTestTwin(dir);
  client = defaultSdkClient(twin.s3.endpoint);
  const from = Date.now();
  await Promise.all(
    bodies.map((body, f) =>
      client.send(new PutObjectCommand({ Bucket: 'lake-ingest', Key: keyOf(f), Body: body })),
    ),
  );
  runs = await waitForExecutions(twin.runner, FILES, 90_000);
  uploadDays = daysBetween(from, Date.now());
}, 120_000);

afterAll(async () => {
  client?.destroy();
  await twin?.close();
  await removeDir(dir);
});

describe('20 concurrent uploads to overlapping partitions', () => {
  const splits = bodies.map((b) => splitUsers(b));
  const good = splits.reduce((n, s) => n + s.good.length, 0);
  const bad = splits.reduce((n, s) => n + s.bad.length, 0);

  it('runs one execution per file and every one succeeds', () => {
    expect(runs).toHaveLength(FILES);
    expect(runs.map((r) => sourceKey(r.input)).sort()).toEqual(bodies.map((_, f) => keyOf(f)));
    for (const r of runs)
      expect(r.status, `${sourceKey(r.input)}: ${r.error} ${r.cause}`).toBe('SUCCEEDED');
  });

  it('lands every row exactly once', async () => {
    expect(good).toBe(FILES * (ROWS - 2));
    expect(
      await lakeQueryJson(dir, 'SELECT count(*) AS n, count(DISTINCT id) AS ids FROM users'),
    ).toEqual([{ n: good, ids: good }]);
    expect(await lakeQueryJson(dir, 'SELECT count(*) AS n FROM users_rejected')).toEqual([
      { n: bad },
    ]);
    const perFile = await lakeQueryJson(
      dir,
      'SELECT _source_key AS k, count(*) AS n FROM users GROUP BY 1 ORDER BY 1',
    );
    expect(perFile).toEqual(splits.map((s, f) => ({ k: keyOf(f), n: s.good.length })));
    const perHour = await lakeQueryJson(
      dir,
      'SELECT hour(created_at) AS h, count(*) AS n FROM users GROUP BY 1 ORDER BY 1',
    );
    const want = new Map<number, number>();
    for (const s of splits)
      for (const g of s.good)
        want.set(
          new Date(g.time!).getUTCHours(),
          (want.get(new Date(g.time!).getUTCHours()) ?? 0) + 1,
        );
    expect(perHour).toEqual(
      [...want.entries()].sort((a, b) => a[0] - b[0]).map(([h, n]) => ({ h, n })),
    );
  });

  it('registers each partition once', async () => {
    const partitions = await twin.catalog.listPartitions('lake', 'users');
    const values = partitions.map((p) => p.Values.join(' '));
    expect(new Set(values).size).toBe(values.length);
    expect(values.length).toBeGreaterThanOrEqual(1);
    for (const v of values) expect(uploadDays).toContain(v);
    // Each file wrote its own Parquet file into its ingestion day; none overwrote another.
    const files = (await listKeys(client, 'lake-curated', 'users/')).filter((k) =>
      k.endsWith('.parquet'),
    );
    expect(files).toHaveLength(FILES);
    expect((await listKeys(client, 'lake-curated', '_manifests/users/')).length).toBe(FILES);
  });
});
