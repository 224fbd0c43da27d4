/**
 * The twin ingests a gzip file and a declared Latin-1 file end to end (S3 endpoint, events, the
 * runner with the real handlers, the local catalog, DuckDB): exact row counts, and the Latin-1
 * text arrives as the same characters.
 */
import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../../src/cli/commands/query.js';
import { startTwin, type Twin } from '../../src/local/twin.js';
import { twinConfig } from '../../src/local/twinConfig.js';
import {
  defaultSdkClient,
  removeDir,
  SAMPLES,
  SCHEMAS,
  tempDir,
  waitForExecutions,
} from './helpers.js';
import { readFile } from 'node:fs/promises';

let dir: string;
let twin: Twin;
const NAMES = ['Zoë', 'José', 'Ångström', 'Núñez', 'Çelik', 'Müller', 'Søren', 'Ærø'];

beforeAll(async () => {
  dir = await tempDir('encodings');
  const schemas = path.join(dir, 'schemas');
  await cp(SCHEMAS, schemas, { recursive: true });
  await writeFile(
    path.join(schemas, 'people.json'),
    JSON.stringify({
      dataset: 'people',
      files: ['people*.csv'],
      csv: { header: true, delimiter: ';', encoding: 'latin1' },
      columns: [
        { name: 'id', type: 'int', nullable: false },
        { name: 'name', type: 'string', nullable: false },
      ],
    }),
  );
  twin = await startTwin(
    twinConfig({ dir: path.join(dir, 'state'), port: 0, schemasDir: schemas }),
    {
      listen: true,
    },
  );
}, 60_000);

afterAll(async () => {
  await twin?.close();
  await removeDir(dir);
});

describe('the twin reads compressed and declared-encoding uploads', () => {
  it('a gzip users file and a Latin-1 people file: exact counts, same characters', async () => {
    const client = defaultSdkClient(twin.s3.endpoint);
    const users = await readFile(path.join(SAMPLES, 'users.csv'));
    const lines = [
      'id;name',
      ...Array.from({ length: 400 }, (_, i) => `${i + 1};${NAMES[i % NAMES.length]}`),
    ];
    const latin1 = Buffer.from(lines.join('\r\n') + '\r\n', 'latin1');
    const bucket = twin.config.buckets.ingest;
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'in/users_2024.csv.gz', Body: gzipSync(users) }),
    );
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'in/people_latin1.csv', Body: latin1 }),
    );
    const done = await waitForExecutions(twin.runner, 2, 120_000);
    for (const e of done) expect(e.status, e.cause).toBe('SUCCEEDED');
    const outputs = done.map(
      (e) =>
        JSON.parse(e.output!) as {
          dataset: string;
          rowsRead: number;
          rowsCurated: number;
          rowsRejected: number;
        },
    );
    const byDataset = Object.fromEntries(outputs.map((o) => [o.dataset, o]));
    const userRows = users.toString('utf8').trim().split('\n').length - 1;
    expect(byDataset.users!.rowsRead).toBe(userRows);
    expect(byDataset.users!.rowsCurated + byDataset.users!.rowsRejected).toBe(userRows);
    expect(byDataset.people).toMatchObject({ rowsRead: 400, rowsCurated: 400, rowsRejected: 0 });
    const q = async (sql: string) => (await runQuery(twin.config, sql)).rows;
    expect(Number((await q('SELECT count(*) FROM users'))[0]![0])).toBe(
      byDataset.users!.rowsCurated,
    );
    const names = await q('SELECT name, count(*) FROM people GROUP BY 1 ORDER BY 1');
    expect(names.map((r) => [r[0], Number(r[1])])).toEqual([...NAMES].sort().map((n) => [n, 50]));
  }, 180_000);
});
