/**
 * Tables over time through the twin, as a user drives it: uploads with the AWS SDK to the S3
 * endpoint, executions started by its events, answers from `lake query`'s engine. Expected
 * contents come from the uploaded text.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../src/cli/commands/query.js';
import type { Twin } from '../../src/local/twin.js';
import {
  defaultSdkClient,
  removeDir,
  startTestTwin,
  tempDir,
  tick,
  waitForExecutions,
} from './helpers.js';

const HEADER = 'id,email,name,country,created_at,updated_at';
const usersFile = (ids: number[], tag: string) =>
  [
    HEADER,
    ...ids.map((id) => `${id},u${id}@example.com,${tag}-${id},US,2026-01-05T10:00:00Z,`),
  ].join('\n');
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('tables over time in the twin', () => {
  let dir: string;
  let twin: Twin;
  let s3: S3Client;
  let executions = 0;

  beforeAll(async () => {
    dir = await tempDir('tables');
    twin = await startTestTwin(dir);
    s3 = defaultSdkClient(twin.s3.endpoint);
  });
  afterAll(async () => {
    s3?.destroy();
    await twin?.close();
    await removeDir(dir);
  });

  const put = (key: string, body: string) =>
    s3.send(new PutObjectCommand({ Bucket: twin.config.buckets.ingest, Key: key, Body: body }));
  const settle = async (started: number) => {
    executions += started;
    return waitForExecutions(twin.runner, executions, 60_000);
  };
  const rows = async (sql: string) => (await runQuery(twin.config, sql)).rows;

  it('two uploads of one key 0-1 s apart: exactly the second version', async () => {
    await put('users_race.csv', usersFile(range(1, 20_000), 'v1'));
    await tick(Math.random() * 1000);
    await put('users_race.csv', usersFile(range(100_001, 5_000), 'v2'));
    const done = await settle(2);
    expect(done.map((d) => d.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(
      await rows(
        "SELECT count(*), count(DISTINCT id), min(name) FROM users WHERE _source_key = 'users_race.csv'",
      ),
    ).toEqual([[5000, 5000, 'v2-100001']]);
  });

  it('ten versions of one key 0-200 ms apart: exactly the last version', async () => {
    for (let v = 1; v <= 10; v++) {
      await put('users_ten.csv', usersFile(range(v * 1000, 50 + v), `t${v}`));
      await tick(Math.random() * 200);
    }
    const done = await settle(10);
    expect(done.every((d) => d.status === 'SUCCEEDED')).toBe(true);
    expect(
      await rows(
        "SELECT count(*), min(id), max(id), min(name) FROM users WHERE _source_key = 'users_ten.csv'",
      ),
    ).toEqual([[60, 10_000, 10_059, 't10-10000']]);
    // Nothing staged is left behind, and every data file is named by a manifest.
    const staged = await twin.store.list(twin.config.buckets.curated, '_staging/');
    expect(staged).toEqual([]);
  });

  it('merge: users_current holds the latest version of each id across files', async () => {
    await put('users_m1.csv', usersFile([900_001, 900_002, 900_003], 'm1'));
    await settle(1);
    await tick(1100); // a later event time (EventBridge times are to the second)
    await put('users_m2.csv', usersFile([900_002, 900_003, 900_004], 'm2'));
    await settle(1);
    expect(await rows('SELECT id, name FROM users_current WHERE id > 900000 ORDER BY id')).toEqual([
      [900_001, 'm1-900001'],
      [900_002, 'm2-900002'],
      [900_003, 'm2-900003'],
      [900_004, 'm2-900004'],
    ]);
    expect(await rows('SELECT count(*) FROM users WHERE id > 900000')).toEqual([[6]]);
  });

  it('replace: the latest departments file is the whole table', async () => {
    await put('departments.csv', '1,Sales\n2,Support\n3,Research');
    await settle(1);
    await tick(1100);
    await put('departments_2026.csv', '7,Legal');
    await settle(1);
    expect(await rows('SELECT id, department FROM departments ORDER BY id')).toEqual([
      [7, 'Legal'],
    ]);
  });
});
