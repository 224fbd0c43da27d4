/**
 * Parquet writer shoot-out: the same typed 1M-row, 12-column data through each candidate, each in
 * its own process. Candidates other than hyparquet-writer are not dependencies: install them in a
 * scratch dir first, e.g. `cd /tmp/pq && npm i parquetjs-lite @dsnp/parquetjs parquet-wasm apache-arrow`.
 *
 * Usage: tsx bench/writers.bench.ts [--rows N] [--modules /tmp/pq/node_modules]
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { build } from 'esbuild';
import { peakRssMb, runChild } from './lib/childProcess.js';
import { CANDIDATES } from './writers/candidates.js';
import { generateTyped, TYPED_FIELDS } from './writers/typedData.js';

interface ChildResult {
  ms: number;
  dataRssMb: number;
  peakRssMb: number;
}

const self = fileURLToPath(import.meta.url);
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    modules: { type: 'string', default: '/tmp/pq/node_modules' },
    child: { type: 'string' },
    out: { type: 'string' },
  },
});
const rows = Number(args.rows);

/** Child: generate, then time only the write. */
async function child(name: string, out: string): Promise<void> {
  const data = generateTyped(rows);
  const dataRssMb = process.memoryUsage().rss / 2 ** 20;
  const start = performance.now();
  await (CANDIDATES[name] as (typeof CANDIDATES)[string])(data, out, args.modules);
  const ms = performance.now() - start;
  console.log(JSON.stringify({ ms, dataRssMb, peakRssMb: peakRssMb() } satisfies ChildResult));
}

/** Parent: run each candidate, then check its file with DuckDB and measure its bundle. */
async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'writers-bench-'));
  try {
    const expected = expectedAggregates();
    const lines = [
      '| writer | write s | peak RSS MB (data alone) | file MB | DuckDB types | values | bundle KB (+ wasm) |',
      '|---|---|---|---|---|---|---|',
    ];
    for (const name of Object.keys(CANDIDATES)) {
      const out = join(dir, `${name.replace(/\W+/g, '_')}.parquet`);
      const r = await runChild<ChildResult>(self, [
        '--child',
        name,
        '--out',
        out,
        '--rows',
        String(rows),
        '--modules',
        args.modules,
      ]);
      const { types, aggregates } = await inspect(out);
      const typeNotes = TYPED_FIELDS.filter((f) => types[f.name] !== EXPECTED_TYPES[f.name]).map(
        (f) => `${f.name}: ${types[f.name]}`,
      );
      const wrong = Object.keys(expected).filter((k) => expected[k] !== aggregates[k]);
      const bundle = await bundleKb(name, dir);
      lines.push(
        `| ${name} | ${(r.ms / 1000).toFixed(2)} | ${r.peakRssMb.toFixed(0)} (${r.dataRssMb.toFixed(0)}) | ${(statSync(out).size / 2 ** 20).toFixed(1)} | ${typeNotes.length ? '✗ ' + typeNotes.join(', ') : '✓ all'} | ${wrong.length ? '✗ ' + wrong.join(', ') : '✓ exact'} | ${bundle} |`,
      );
      console.error(lines.at(-1));
    }
    console.log(lines.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const EXPECTED_TYPES: Record<string, string> = {
  id: 'BIGINT',
  name: 'VARCHAR',
  email: 'VARCHAR',
  hired_at: 'TIMESTAMP WITH TIME ZONE',
  updated_at: 'TIMESTAMP WITH TIME ZONE',
  department_id: 'INTEGER',
  job_id: 'INTEGER',
  salary: 'DOUBLE',
  active: 'BOOLEAN',
  birth_date: 'DATE',
  bonus: 'DECIMAL(12,2)',
  balance: 'DECIMAL(38,10)',
};

const AGGREGATES: Record<string, string> = {
  rows: 'count(*)',
  id: 'sum(id)',
  name: "count(name) || '/' || sum(length(name))",
  email: 'sum(length(email))',
  hired_at: 'sum(epoch_ms(hired_at))',
  updated_at: 'sum(epoch_ms(updated_at))',
  department_id: 'sum(department_id)',
  job_id: 'sum(job_id)',
  salary: 'sum(round(salary * 100))::BIGINT',
  active: 'count_if(active)',
  birth_date: "sum(birth_date - DATE '1970-01-01')",
  bonus: "count(bonus) || '/' || sum(bonus)",
  balance: 'sum(balance)',
};

/** DESCRIBE types and whole-column aggregates, as strings. */
async function inspect(
  path: string,
): Promise<{ types: Record<string, string>; aggregates: Record<string, string> }> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const src = `read_parquet('${path}')`;
    const described = (
      await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)
    ).getRowObjectsJson();
    const types = Object.fromEntries(
      described.map((r) => [String(r.column_name), String(r.column_type)]),
    );
    const aggregates: Record<string, string> = {};
    for (const [k, expr] of Object.entries(AGGREGATES)) {
      try {
        const row = (
          await conn.runAndReadAll(`SELECT (${expr})::VARCHAR AS v FROM ${src}`)
        ).getRowObjectsJson()[0];
        aggregates[k] = String(row?.v);
      } catch (err) {
        aggregates[k] = `error: ${(err as Error).message}`;
      }
    }
    return { types, aggregates };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** The same aggregates computed in JS from the generator. */
function expectedAggregates(): Record<string, string> {
  const { columns: c } = generateTyped(rows);
  const big = (n: string) =>
    (c[n] as (bigint | null)[]).reduce<bigint>((s, v) => s + (v ?? 0n), 0n);
  // BigInt sums: a float sum of a million epoch millis loses digits.
  const num = (n: string, f: (v: number) => number = (v) => v) =>
    (c[n] as (number | null)[]).reduce<bigint>((s, v) => s + (v === null ? 0n : BigInt(f(v))), 0n);
  const strs = (n: string) => (c[n] as (string | null)[]).filter((v): v is string => v !== null);
  const fmt = (v: bigint, scale: number) => {
    const neg = v < 0n;
    const s = (neg ? -v : v).toString().padStart(scale + 1, '0');
    return `${neg ? '-' : ''}${s.slice(0, -scale)}.${s.slice(-scale)}`;
  };
  const names = strs('name');
  return {
    rows: String(rows),
    id: String(big('id')),
    name: `${names.length}/${names.reduce((s, v) => s + [...v].length, 0)}`,
    email: String(strs('email').reduce((s, v) => s + v.length, 0)),
    hired_at: String(num('hired_at')),
    updated_at: String(num('updated_at')),
    department_id: String(num('department_id')),
    job_id: String(num('job_id')),
    salary: String(num('salary', (v) => Math.round(v * 100))),
    active: String((c.active as (boolean | null)[]).filter((v) => v === true).length),
    birth_date: String(num('birth_date')),
    bonus: `${(c.bonus as unknown[]).filter((v) => v !== null).length}/${fmt(big('bonus'), 2)}`,
    balance: fmt(big('balance'), 10),
  };
}

/** Minified ESM bundle size of the code a Lambda would ship for this writer, plus any .wasm. */
async function bundleKb(name: string, dir: string): Promise<string> {
  const entry = join(dir, 'entry.mjs');
  const repoParquet = fileURLToPath(new URL('../src/core/parquet/index.ts', import.meta.url));
  const imports: Record<string, string> = {
    'hyparquet-writer': `export { encodeParquet } from '${repoParquet}';`,
    'parquetjs-lite': `export { ParquetWriter } from 'parquetjs-lite';`,
    '@dsnp/parquetjs': `export { ParquetWriter } from '@dsnp/parquetjs';`,
    'parquet-wasm + apache-arrow': `export { writeParquet } from 'parquet-wasm'; export { tableToIPC } from 'apache-arrow';`,
  };
  writeFileSync(entry, imports[name] ?? '');
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      minify: true,
      write: false,
      logLevel: 'silent',
      nodePaths: [args.modules],
      loader: { '.wasm': 'file' },
      outdir: join(dir, 'bundle'),
    });
    let js = 0;
    let wasm = 0;
    for (const f of result.outputFiles) {
      if (f.path.endsWith('.wasm')) wasm += f.contents.length;
      else js += f.contents.length;
    }
    // parquet-wasm's node build reads its .wasm beside it at run time; count it even if not bundled.
    if (name.startsWith('parquet-wasm') && wasm === 0)
      wasm = statSync(join(args.modules, 'parquet-wasm/node/parquet_wasm_bg.wasm')).size;
    return `${(js / 1024).toFixed(0)}${wasm ? ` + ${(wasm / 1024).toFixed(0)}` : ''}`;
  } catch (err) {
    return `build failed: ${(err as Error).message.split('\n')[0]}`;
  }
}

if (args.child) await child(args.child, String(args.out));
else await main();
