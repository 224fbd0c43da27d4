/**
 * `npm run bench:e2e`: the whole path in the twin, per file size. A twin starts in a temp folder
 * (loopback, a free port); each users file (schemas/users.json, realistic timestamps) is uploaded
 * as `lake ingest` uploads it, and timed from the upload's start to its execution SUCCEEDED to
 * `lake query`'s count answering with its rows. Then `npm start -- --once` on the samples, in a
 * fresh state folder, as a child process. The temp folder is removed at the end.
 *
 *   npm run bench:e2e -- [--sizes 10000,100000,1000000] [--runs 1] [--no-startup] [--verbose]
 *   npm run bench:e2e -- --file transactions_100_days.csv   (any sample dataset's file instead)
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Upload } from '@aws-sdk/lib-storage';
import { runQuery } from '../src/cli/commands/query.js';
import { startTwin, type Twin } from '../src/local/twin.js';
import { twinConfig } from '../src/local/twinConfig.js';
import type { HistoryEvent } from '../src/local/workflow/index.js';
import { writeUsersCsv } from './lib/usersCsv.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HELP = `npm run bench:e2e -- [options]

Times users files end to end in a twin on a temp folder: upload, execution SUCCEEDED, rows
answering a lake query count; then the start-up of npm start -- --once on the samples.

  --sizes N,N,…   rows per file (default 10000,100000,1000000)
  --runs N        files per size; the line shows the median run (default 1)
  --file PATH     time this file (any dataset; repeatable) instead of generated users files
  --no-startup    skip the npm start -- --once measurement
  --verbose       per run: upload, event, states, gaps and query times on stderr
  --help          this text`;

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    runs: { type: 'string', default: '1' },
    file: { type: 'string', multiple: true },
    'no-startup': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

/** The states the line reports; Transform is its Map state, whichever fan-out ran. */
const STATES: Record<string, string[]> = {
  CopyToRaw: ['CopyToRaw'],
  Validate: ['Validate'],
  Transform: ['TransformChunks', 'TransformChunksDistributed'],
  Commit: ['Commit'],
};

interface E2eRun {
  rows: number;
  seconds: number;
  states: Record<string, number>;
  detail: string;
}

/** Seconds each reported state took, from its Entered to its Exited event. */
export function stateSeconds(events: HistoryEvent[]): Record<string, number> {
  const entered = new Map<string, number>();
  const out: Record<string, number> = {};
  for (const e of events) {
    const at = new Date(e.timestamp!).getTime();
    const entry = e.stateEnteredEventDetails?.name;
    if (entry !== undefined) entered.set(entry, at);
    const exit = e.stateExitedEventDetails?.name;
    if (exit === undefined || !entered.has(exit)) continue;
    for (const [label, names] of Object.entries(STATES))
      if (names.includes(exit)) out[label] = (out[label] ?? 0) + (at - entered.get(exit)!) / 1000;
  }
  return out;
}

/** Upload one file as `lake ingest` does, wait for its execution and for the query's count. */
async function timeOne(twin: Twin, file: string, key: string, rows?: number): Promise<E2eRun> {
  const { runner, config } = twin;
  let arnOf!: (arn: string) => void;
  const started = new Promise<string>((r) => (arnOf = r));
  const unsubscribe = runner.subscribe((e) => {
    if (e.type === 'ExecutionStarted' && e.executionStartedEventDetails?.input?.includes(key))
      arnOf(e.executionArn);
  });
  const t0 = performance.now();
  const upload = new Upload({
    client: twin.store.client,
    params: { Bucket: config.buckets.ingest, Key: key, Body: createReadStream(file) },
  });
  await upload.done();
  const uploaded = performance.now();
  const arn = await started;
  unsubscribe();
  const done = await runner.waitForExecution(arn);
  const succeeded = performance.now();
  if (done.status !== 'SUCCEEDED') throw new Error(`${key}: ${done.status} ${done.cause ?? ''}`);
  const summary = JSON.parse(done.output ?? '{}') as {
    dataset: string;
    rowsRead: number;
    rowsCurated: number;
    rowsRejected: number;
  };
  const sql = `SELECT count(*) FROM ${summary.dataset} WHERE "_source_key" = '${key}'`;
  const counted = Number((await runQuery(config, sql)).rows[0]?.[0]);
  const queried = performance.now();
  rows ??= summary.rowsRead;
  if (counted !== summary.rowsCurated || summary.rowsCurated + summary.rowsRejected !== rows)
    throw new Error(`${key}: ${rows} rows, summary ${JSON.stringify(summary)}, query ${counted}`);

  const { events } = await runner.getExecutionHistory(arn);
  const states = stateSeconds(events);
  const startedAt = new Date(events[0]!.timestamp!).getTime();
  const stoppedAt = new Date(events.at(-1)!.timestamp!).getTime();
  const inStates = Object.values(states).reduce((a, b) => a + b, 0);
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const detail =
    `upload ${s(uploaded - t0)}, execution ${s(stoppedAt - startedAt)} ` +
    `(outside the four states ${((stoppedAt - startedAt) / 1000 - inStates).toFixed(2)}), ` +
    `upload to SUCCEEDED ${s(succeeded - t0)}, query ${s(queried - succeeded)}`;
  return { rows, seconds: (queried - t0) / 1000, states, detail };
}

function line(r: E2eRun): string {
  const st = (label: string) => `${label} ${(r.states[label] ?? 0).toFixed(2)}`;
  return (
    `e2e ${r.rows} rows: ${r.seconds.toFixed(2)} s upload to queryable ` +
    `(${Object.keys(STATES).map(st).join(', ')})`
  );
}

/** A free loopback port (a moment's race with other programs is acceptable in a bench). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Past this, `npm start -- --once` counts as hung and is killed. */
const START_ONCE_LIMIT_MS = 120_000;

/** `npm start -- --once` in a fresh state folder: seconds to the twin's banner and to exit. */
async function startOnce(dir: string): Promise<{ up: number; exit: number }> {
  // A user's bundle is fresh after npm install; in a checkout being edited, `lake` would rebuild
  // it first (0.4-0.6 s): build it outside the timing.
  const build = (await import(path.join(ROOT, 'src/cli/build/buildCli.mjs'))) as {
    buildCli: () => Promise<number>;
    bundleIsFresh: () => boolean;
  };
  if (!build.bundleIsFresh()) await build.buildCli();
  const port = await freePort();
  const argv = [
    'start',
    '--',
    '--once',
    '--dir',
    dir,
    '--port',
    String(port),
    '--console-port',
    '0',
  ];
  const t0 = performance.now();
  // Its own process group, so a hung start can be ended with npm's child (the twin) too.
  const child = spawn('npm', argv, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), START_ONCE_LIMIT_MS);
  let up = 0;
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (!up && out.includes('lake twin up')) up = performance.now() - t0;
  });
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('close', r));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`npm start -- --once exited ${code}:\n${out}`);
  return { up: up / 1000, exit: (performance.now() - t0) / 1000 };
}

function median<T>(xs: T[], by: (x: T) => number): T {
  return [...xs].sort((a, b) => by(a) - by(b))[Math.floor((xs.length - 1) / 2)]!;
}

async function main(): Promise<void> {
  if (args.help) return console.log(HELP);
  const sizes = args.sizes.split(',').map(Number);
  const runs = Number(args.runs);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(runs >= 1))
    throw new Error(`--sizes takes positive row counts, --runs a count\n\n${HELP}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'lake-e2e-'));
  try {
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const config = twinConfig({
      dir: path.join(dir, 'twin'),
      port: 0,
      schemasDir: path.join(ROOT, 'schemas'),
    });
    const twin = await startTwin(config, { listen: true });
    try {
      for (const file of args.file ?? []) {
        const r = await timeOne(twin, file, path.basename(file));
        console.log(`${path.basename(file)}: ${line(r)}; ${r.detail}`);
      }
      for (const rows of args.file ? [] : sizes) {
        const results: E2eRun[] = [];
        for (let run = 1; run <= runs; run++) {
          const key = `users_e2e_${rows}_${run}.csv`;
          const file = path.join(dir, key);
          await writeUsersCsv(file, { rows, seed: rows + run });
          const r = await timeOne(twin, file, key, rows);
          if (args.verbose)
            console.error(`  ${key} (${(await stat(file)).size} bytes): ${line(r)}; ${r.detail}`);
          await rm(file);
          results.push(r);
        }
        console.log(line(median(results, (r) => r.seconds)));
      }
    } finally {
      await twin.close();
    }
    if (!args['no-startup']) {
      const once = await startOnce(path.join(dir, 'once'));
      console.log(
        `npm start -- --once (samples, fresh state): ${once.exit.toFixed(2)} s to exit (twin up after ${once.up.toFixed(2)} s)`,
      );
    }
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
