/**
 * The project benchmark: our transform vs DuckDB (one thread) on the reference workload, each
 * engine in its own process so peak RSS is per engine. The CSV is generated once; then `--runs`
 * rounds (default 3) each run DuckDB and ours back to back (duckdb, ours, duckdb, ours, …), so
 * both engines see about the same machine load. Every run prints a line; the summary gives each
 * engine's medians and the per-round ratios, and its last two lines are the medians of those:
 * `cpu-time ratio vs duckdb: X.XX`, then `ratio vs duckdb: X.XX` (wall time).
 *
 * Our engine runs from an esbuild bundle (`bench/engines/oursChild.ts`, ESM, node platform, the
 * target a nodejs22.x Lambda gets) under plain `node`, as a Lambda runs bundled code: no TypeScript
 * loader in its memory. `--tsx` runs it from source through tsx instead (the old way, ~100 MB more).
 *
 * Each engine line also shows the job's CPU time; on a shared machine the CPU-time ratio is the
 * steadier figure, the wall-time ratio (last line) the one the project's bar is set on.
 *
 * Our engine's process gets the transform Lambda's Node flags (`TRANSFORM_NODE_OPTIONS` in
 * `stacks/documents/functions.ts`, its `NODE_OPTIONS` in AWS) unless `--node-opt` replaces them
 * or `--bare` drops them.
 *
 * Usage: npm run bench -- [--rows 1000000] [--runs 3] [--budget BYTES] [--only ours|duckdb] [--cpu-prof] [--tsx]
 *   (--cpu-prof: a .cpuprofile of each of our runs, in the current folder)
 *   [--node-opt=--max-semi-space-size=64] (Node flags for our engine's process, instead of the Lambda's)
 *   [--bare] (no Node flags for our engine)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { TRANSFORM_NODE_OPTIONS } from '../stacks/documents/functions.js';
import { benchContract } from './contract.js';
import type { EngineResult } from './engines/types.js';
import { peakRssMb, runChild } from './lib/childProcess.js';
import { generateCsv } from './lib/generateCsv.js';
import { loadText, median } from './lib/stats.js';

const self = fileURLToPath(import.meta.url);
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    budget: { type: 'string' },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'node-opt': { type: 'string', multiple: true },
    bare: { type: 'boolean', default: false },
    tsx: { type: 'boolean', default: false },
    engine: { type: 'string' },
    input: { type: 'string' },
    out: { type: 'string' },
  },
});

/** Child: run one engine and print its result with the process's peak RSS. */
async function child(engine: string, input: string, out: string): Promise<void> {
  // Each child loads only its own engine, so DuckDB's native library never counts against ours.
  const result =
    engine === 'duckdb'
      ? await (await import('./engines/duckdbJob.js')).runDuckDbJob(input, out)
      : await (
          await import('./engines/oursJob.js')
        ).runOursJob(benchContract, input, out, budgetBytes());
  console.log(JSON.stringify({ ...result, peakRssMb: peakRssMb() }));
}

/** Bundle our engine's child entry into `dir` (see the header); returns the bundle's path. */
async function bundleOurs(dir: string): Promise<string> {
  const outfile = join(dir, 'ours-child.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./engines/oursChild.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'es2023',
    mainFields: ['module', 'main'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** Our engine's Node flags: `--node-opt` if given, none with `--bare`, else the transform Lambda's. */
function oursNodeFlags(): string[] {
  if (args['node-opt']) return [...args['node-opt']];
  if (args.bare) return [];
  return TRANSFORM_NODE_OPTIONS.split(/\s+/).filter(Boolean);
}

/** Says where our engine's flags came from. */
function flagsNote(): string {
  if (args['node-opt']) return " (from --node-opt, not the Lambda's)";
  if (args.bare) return " (--bare: not the Lambda's TRANSFORM_NODE_OPTIONS)";
  return " (= the transform Lambda's NODE_OPTIONS, TRANSFORM_NODE_OPTIONS)";
}

/** The memory budget handed to our transform, if given. */
function budgetBytes(): number | undefined {
  return args.budget ? Number(args.budget) : undefined;
}

/** One line per run: wall and CPU time, throughput, peak RSS, counts, and the load it ran under. */
function report(name: string, r: EngineResult, load: number): string {
  const rowsPerS = Math.round(r.rowsRead / (r.ms / 1000)).toLocaleString('en-US');
  return (
    `${name.padEnd(9)} ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${rowsPerS.padStart(10)} rows/s  ` +
    `cpu ${((r.cpuMs ?? NaN) / 1000).toFixed(2).padStart(6)} s  ` +
    `peak RSS ${r.peakRssMb?.toFixed(0).padStart(4)} MB  load ${load.toFixed(2)}  ` +
    `(read ${r.rowsRead}, curated ${r.rowsCurated}, rejected ${r.rowsRejected}, partitions ${r.partitions}` +
    `${r.files !== undefined ? `, files ${r.files}` : ''})`
  );
}

type Engine = 'duckdb' | 'ours';

/** The engines to run, in the order each round runs them. */
function engines(): Engine[] {
  const all: Engine[] = ['duckdb', 'ours'];
  if (!args.only) return all;
  if (!all.includes(args.only as Engine))
    throw new Error(`--only takes duckdb or ours, not ${args.only}`);
  return [args.only as Engine];
}

/** Generates the workload CSV once for every run; prints its size. */
async function prepareInput(dir: string, rows: number): Promise<string> {
  const input = join(dir, 'employees.csv');
  const t0 = performance.now();
  const gen = await generateCsv(input, rows);
  console.log(
    `workload: ${rows.toLocaleString('en-US')} rows, ${(gen.bytes / 1e6).toFixed(0)} MB CSV (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  return input;
}

/** How to start one engine: the script, its arguments after the output folder, the Node flags. */
interface Launch {
  script: string;
  args: string[];
  nodeArgs: string[];
}

/** Builds each engine's launch once (our bundle included) and prints how ours runs. */
async function launches(dir: string, input: string, list: Engine[]): Promise<Map<Engine, Launch>> {
  const out = new Map<Engine, Launch>();
  for (const engine of list) {
    const childArgs = ['--input', input];
    if (args.budget) childArgs.push('--budget', args.budget);
    if (engine === 'duckdb' || args.tsx) childArgs.push('--engine', engine);
    if (engine === 'duckdb') {
      out.set(engine, { script: self, args: childArgs, nodeArgs: [] });
      continue;
    }
    const nodeArgs = oursNodeFlags();
    const how = args.tsx ? 'from source under tsx' : 'from an esbuild bundle under plain node';
    console.log(`ours: ${how}; node flags: ${nodeArgs.join(' ') || '(none)'}${flagsNote()}`);
    if (args['cpu-prof']) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', process.cwd());
    out.set(engine, { script: args.tsx ? self : await bundleOurs(dir), args: childArgs, nodeArgs });
  }
  return out;
}

/** One run of one engine into a fresh output folder, removed afterwards (1M rows write ~50 MB). */
async function runOnce(launch: Launch, out: string): Promise<EngineResult> {
  mkdirSync(out);
  try {
    return await runChild<EngineResult>(
      launch.script,
      [...launch.args, '--out', out],
      launch.nodeArgs,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** A value per run, with its median: `2.81, 2.68, 3.00 (median 2.81)`. */
function series(values: number[]): string {
  return `${values.map((v) => v.toFixed(2)).join(', ')} (median ${median(values).toFixed(2)})`;
}

/** One line per engine: its median wall and CPU time and its highest peak RSS. */
function printMedians(results: Map<Engine, EngineResult[]>): void {
  for (const [engine, runs] of results) {
    const wall = median(runs.map((r) => r.ms / 1000));
    const cpu = median(runs.map((r) => (r.cpuMs ?? NaN) / 1000));
    const peak = Math.max(...runs.map((r) => r.peakRssMb ?? 0));
    console.log(
      `${engine} median: wall ${wall.toFixed(2)} s, cpu ${cpu.toFixed(2)} s, peak RSS max ${peak.toFixed(0)} MB`,
    );
  }
}

/** Both engines must curate and reject the same rows in every round. */
function warnIfDisagree(ours: EngineResult[], duckdb: EngineResult[]): void {
  ours.forEach((r, i) => {
    const d = duckdb[i]!;
    if (r.rowsCurated !== d.rowsCurated || r.rowsRejected !== d.rowsRejected)
      console.log(
        `WARNING: engines disagree in round ${i + 1} (curated ${r.rowsCurated} vs ${d.rowsCurated})`,
      );
  });
}

/** Per-engine medians; with both engines, the per-round ratios and, as the last two lines, their medians. */
function summarize(results: Map<Engine, EngineResult[]>): void {
  printMedians(results);
  const ours = results.get('ours');
  const duckdb = results.get('duckdb');
  if (!ours || !duckdb) return;
  warnIfDisagree(ours, duckdb);
  // Ratios per round: the two runs of a round ran back to back, under about the same load.
  const cpu = ours.map((r, i) => (r.cpuMs ?? NaN) / (duckdb[i]!.cpuMs ?? NaN));
  const wall = ours.map((r, i) => r.ms / duckdb[i]!.ms);
  console.log(`cpu-time ratios per round: ${series(cpu)}`);
  console.log(`wall-time ratios per round: ${series(wall)}`);
  console.log(`load average: ${loadText(loadavg())}`);
  console.log(`cpu-time ratio vs duckdb: ${median(cpu).toFixed(2)}`);
  console.log(`ratio vs duckdb: ${median(wall).toFixed(2)}`);
}

/** `--runs` rounds, each running every engine once (duckdb, ours, duckdb, ours, …). */
async function main(): Promise<void> {
  const runs = Number(args.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs takes a positive integer, not ${args.runs}`);
  const dir = mkdtempSync(join(tmpdir(), 'lake-bench-'));
  try {
    const input = await prepareInput(dir, Number(args.rows));
    const list = engines();
    const launch = await launches(dir, input, list);
    const results = new Map<Engine, EngineResult[]>(list.map((e) => [e, []]));
    for (let round = 1; round <= runs; round++) {
      for (const engine of list) {
        const result = await runOnce(launch.get(engine)!, join(dir, `${engine}-${round}`));
        results.get(engine)!.push(result);
        console.log(report(`${engine} #${round}`, result, loadavg()[0]!));
      }
    }
    summarize(results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args.engine) await child(args.engine, String(args.input), String(args.out));
else await main();
