/** `lake redrive --aborted`: after a stop mid-run, one command resumes every ABORTED execution. */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../src/cli/commands/query.js';
import {
  defaultSdkClient,
  lake,
  removeDir,
  SCHEMAS,
  startTestTwin,
  tempDir,
  testConfig,
} from './helpers.js';

const users = (n: number) =>
  [
    'id,email,name,country,created_at,updated_at',
    ...Array.from(
      { length: n },
      (_, i) => `${i + 1},u${i + 1}@example.com,U${i + 1},US,2026-01-05T10:00:00Z,`,
    ),
  ].join('\n');

describe('lake redrive --aborted', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('redrive-aborted');
  });
  afterAll(() => removeDir(dir));

  it('needs an id or --aborted, not both and not neither (exit 2)', async () => {
    const common = ['--dir', dir, '--port', '0', '--schemas', SCHEMAS];
    expect((await lake(...common, 'redrive')).code).toBe(2);
    expect((await lake(...common, 'redrive', 'x', '--aborted')).code).toBe(2);
  });

  it('resumes every execution a stop left ABORTED, with exact rows', async () => {
    const twin = await startTestTwin(dir);
    const s3 = defaultSdkClient(twin.s3.endpoint);
    // Acknowledged only once each execution has started, so closing now stops both mid-run.
    for (const key of ['users_a.csv', 'users_b.csv'])
      await s3.send(new PutObjectCommand({ Bucket: 'lake-ingest', Key: key, Body: users(60_000) }));
    s3.destroy();
    const stopped = await twin.close();
    expect(stopped.length).toBeGreaterThan(0);

    const r = await lake('--dir', dir, '--port', '0', '--schemas', SCHEMAS, 'redrive', '--aborted');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`redriving ${stopped.length} aborted execution(s)`);
    const { rows } = await runQuery(
      testConfig(dir),
      'SELECT _source_key, count(*), count(DISTINCT id) FROM users GROUP BY 1 ORDER BY 1',
    );
    expect(rows).toEqual([
      ['users_a.csv', 60_000, 60_000],
      ['users_b.csv', 60_000, 60_000],
    ]);
  });
});
