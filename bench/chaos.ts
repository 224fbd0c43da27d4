/**
 * `npm run chaos`: the twin under real timing, repeated. Each run starts `lake dev` in a fresh
 * folder, uploads many users files at once with the AWS SDK (some keys twice, 0-1 s apart), kills
 * the twin mid-way (SIGKILL or Ctrl-C), starts it again, redrives every execution that did not
 * succeed, and checks each key's rows in `users` against the object that ingest holds for it.
 * Prints one line per run and `N of M runs exact`.
 *
 *   npm run chaos -- --runs 5 --files 30 --rows 4000
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    files: { type: 'string', default: '30' },
    rows: { type: 'string', default: '4000' },
    twice: { type: 'string', default: '5' },
  },
});
const ROOT = path.resolve(import.meta.dirname, '..');
const BUCKET = 'lake-ingest';

interface TwinRecord {
  s3Endpoint: string;
  controlUrl: string;
  token: string;
}

function usersFile(key: string, version: number, rows: number): string {
  const lines = ['id,email,name,country,created_at,updated_at'];
  for (let i = 1; i <= rows; i++)
    lines.push(`${i},u${i}@example.com,${key}-v${version}-${i},US,2026-01-05T10:00:00Z,`);
  return lines.join('\n');
}

function startDev(dir: string): ChildProcess {
  return spawn(
    process.execPath,
    ['bin/lake.js', '--dir', dir, '--port', '0', 'dev', '--no-samples'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

async function waitForRecord(dir: string, previous?: string): Promise<TwinRecord> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const text = await readFile(path.join(dir, 'twin.json'), 'utf8');
      const record = JSON.parse(text) as TwinRecord;
      if (record.controlUrl !== previous) {
        const health = await fetch(`${record.controlUrl}/health`, {
          headers: { authorization: `Bearer ${record.token}` },
        }).catch(() => undefined);
        if (health?.ok) return record;
      }
    } catch {
      // not yet written
    }
    if (Date.now() > deadline) throw new Error('lake dev did not come up within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function control(record: TwinRecord, route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${record.controlUrl}${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${record.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
  return res.json();
}

interface Listed {
  executions: { executionArn: string; status: string }[];
}

/** Redrive every execution that did not succeed until all have, or `rounds` pass. */
async function settle(record: TwinRecord): Promise<{ total: number; redriven: number }> {
  let redriven = 0;
  for (let round = 0; round < 200; round++) {
    const { executions } = (await control(record, '/executions')) as Listed;
    if (executions.some((e) => e.status === 'RUNNING')) {
      await new Promise((r) => setTimeout(r, 300));
      continue;
    }
    const stuck = executions.filter((e) => e.status === 'ABORTED' || e.status === 'FAILED');
    if (stuck.length === 0) return { total: executions.length, redriven };
    for (const e of stuck) {
      await control(record, '/redrive', { executionArn: e.executionArn });
      redriven++;
    }
  }
  throw new Error('executions did not settle');
}

async function oneRun(run: number): Promise<boolean> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lake-chaos-'));
  const files = Number(args.files);
  const rows = Number(args.rows);
  let child = startDev(dir);
  try {
    const first = await waitForRecord(dir);
    const s3 = new S3Client({
      endpoint: first.s3Endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'chaos', secretAccessKey: 'chaos' },
      maxAttempts: 1,
    });
    const keys = Array.from(
      { length: files },
      (_, i) => `users_chaos_${String(i + 1).padStart(2, '0')}.csv`,
    );
    let acked = 0;
    const put = (key: string, version: number, n: number) =>
      s3
        .send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: usersFile(key, version, n) }))
        .then(() => void acked++)
        .catch(() => undefined); // refused or cut by the kill: not acknowledged
    const uploads = keys.map((k, i) => put(k, 1, rows + (i % 7) * 37));
    // Some keys again, 0-1 s later, with fewer rows.
    for (const k of keys.slice(0, Number(args.twice)))
      uploads.push(
        new Promise((r) => setTimeout(r, Math.random() * 1000)).then(() => put(k, 2, rows / 4)),
      );
    const signal = run % 2 === 0 ? 'SIGKILL' : 'SIGINT';
    // Kill while uploads and executions are in flight: after the first acknowledgement.
    for (let waited = 0; acked === 0 && waited < 20_000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, Math.random() * 2500));
    child.kill(signal);
    await new Promise((r) => child.once('exit', r));
    await Promise.all(uploads);
    s3.destroy();

    child = startDev(dir);
    const record = await waitForRecord(dir, first.controlUrl);
    const { total, redriven } = await settle(record);

    // What ingest holds now is what each key's rows must be.
    const client = new S3Client({
      endpoint: record.s3Endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'chaos', secretAccessKey: 'chaos' },
    });
    const expected = new Map<string, { count: number; first: string }>();
    for (const key of keys) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        const text = await out.Body!.transformToString();
        const lines = text.split('\n').slice(1);
        expected.set(key, { count: lines.length, first: lines[0]!.split(',')[2]! });
      } catch {
        // never stored
      }
    }
    client.destroy();
    const query = spawn(
      process.execPath,
      [
        'bin/lake.js',
        '--dir',
        dir,
        'query',
        '--json',
        'SELECT _source_key AS k, count(*) AS n, count(DISTINCT id) AS ids, min_by(name, id) AS first FROM users GROUP BY 1',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    query.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => query.once('exit', r));
    const got = new Map(
      (JSON.parse(out || '[]') as { k: string; n: number; ids: number; first: string }[]).map(
        (r) => [r.k, r],
      ),
    );
    const wrong = [...expected].filter(([k, e]) => {
      const g = got.get(k);
      return !g || g.n !== e.count || g.ids !== e.count || g.first !== e.first;
    });
    const extra = [...got.keys()].filter((k) => !expected.has(k));
    const exact = wrong.length === 0 && extra.length === 0;
    console.log(
      `run ${run}: ${signal} after ${acked} acknowledged uploads; ${expected.size} keys stored, ${total} executions, ${redriven} redriven: ${exact ? 'exact' : `NOT exact (${wrong.map(([k]) => k).join(', ')}${extra.length ? `; extra ${extra.join(', ')}` : ''})`}`,
    );
    return exact;
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    await rm(dir, { recursive: true, force: true });
  }
}

let exact = 0;
const runs = Number(args.runs);
for (let run = 1; run <= runs; run++) if (await oneRun(run)) exact++;
console.log(`${exact} of ${runs} runs exact`);
process.exitCode = exact === runs ? 0 : 1;
