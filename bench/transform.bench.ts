/**
 * The project benchmark: our transform vs DuckDB (one thread) on the reference workload, each
 * engine in its own process so peak RSS is per engine. Last line: `ratio vs duckdb: X.XX`.
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
 * Usage: npm run bench -- [--rows 1000000] [--budget BYTES] [--only ours|duckdb] [--cpu-prof] [--tsx]
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

const self = fileURLToPath(import.meta.url);
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
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

/** One summary line per engine. */
function report(name: string, r: EngineResult): string {
  const rowsPerS = Math.round(r.rowsRead / (r.ms / 1000)).toLocaleString('en-US');
  return (
    `${name.padEnd(7)} ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${rowsPerS.padStart(10)} rows/s  ` +
    `cpu ${((r.cpuMs ?? NaN) / 1000).toFixed(2).padStart(6)} s  ` +
    `peak RSS ${r.peakRssMb?.toFixed(0).padStart(4)} MB  ` +
    `(read ${r.rowsRead}, curated ${r.rowsCurated}, rejected ${r.rowsRejected}, partitions ${r.partitions}` +
    `${r.files !== undefined ? `, files ${r.files}` : ''})`
  );
}

async function main(): Promise<void> {
  const rows = Number(args.rows);
  const dir = mkdtempSync(join(tmpdir(), 'lake-bench-'));
  try {
    const input = join(dir, 'employees.csv');
    const t0 = performance.now();
    const gen = await generateCsv(input, rows);
    console.log(
      `workload: ${rows.toLocaleString('en-US')} rows, ${(gen.bytes / 1e6).toFixed(0)} MB CSV (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    const results: Record<string, EngineResult> = {};
    for (const engine of ['duckdb', 'ours']) {
      if (args.only && args.only !== engine) continue;
      const out = join(dir, engine);
      mkdirSync(out);
      const nodeArgs = engine === 'ours' ? oursNodeFlags() : [];
      if (args['cpu-prof'] && engine === 'ours')
        nodeArgs.push('--cpu-prof', '--cpu-prof-dir', process.cwd());
      const childArgs = ['--input', input, '--out', out];
      if (args.budget) childArgs.push('--budget', args.budget);
      let script = self;
      if (engine === 'ours' && !args.tsx) script = await bundleOurs(dir);
      else childArgs.unshift('--engine', engine);
      if (engine === 'ours') {
        const how = args.tsx ? 'from source under tsx' : 'from an esbuild bundle under plain node';
        console.log(`ours: ${how}; node flags: ${nodeArgs.join(' ') || '(none)'}${flagsNote()}`);
      }
      results[engine] = await runChild<EngineResult>(script, childArgs, nodeArgs);
      console.log(report(engine, results[engine]));
    }
    const { ours, duckdb } = results;
    if (ours && duckdb) {
      if (ours.rowsCurated !== duckdb.rowsCurated || ours.rowsRejected !== duckdb.rowsRejected) {
        console.log(
          `WARNING: engines disagree (curated ${ours.rowsCurated} vs ${duckdb.rowsCurated})`,
        );
      }
      if (ours.cpuMs && duckdb.cpuMs)
        console.log(`cpu-time ratio vs duckdb: ${(ours.cpuMs / duckdb.cpuMs).toFixed(2)}`);
      console.log(
        `load average: ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
      );
      console.log(`ratio vs duckdb: ${(ours.ms / duckdb.ms).toFixed(2)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args.engine) await child(args.engine, String(args.input), String(args.out));
else await main();
