/**
 * How the columns handed to `encodeParquet` cost: the curated files of the reference workload
 * (run through our transform, read back, held as the column stores hold them) are encoded again
 * and again, each variant once per round (interleaved), from the stores' layout to the finished
 * file, so each variant pays for building its own input. Medians of CPU time (steadier than wall
 * time on a shared machine; it includes V8's GC threads) and of GC pause time.
 *
 * Run it with the transform Lambda's Node flags (its young generation is small, so what survives
 * a scavenge matters): `npx tsx --max-semi-space-size=2 bench/writersEncoding.bench.ts`.
 *
 * For a count that load does not blur, run one variant (`--variant N`, its index) under
 * `valgrind --tool=callgrind node --import tsx …` and subtract a `--runs 0` run (the setup alone).
 *
 * Usage: tsx bench/writersEncoding.bench.ts [--rows 250000] [--runs 7] [--variant N]
 */
import { Buffer } from 'node:buffer';
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { useDictionary } from 'hyparquet-writer/src/dictionary.js';
import { encodeParquet } from '../src/core/parquet/index.js';
import type {
  ColumnValues,
  EncodeParquetOptions,
  ParquetField,
} from '../src/core/parquet/index.js';
import { curatedBatches } from './lib/curatedBatches.js';
import type { StoredColumn } from './lib/curatedBatches.js';
import { loadText, median } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '250000' },
    runs: { type: 'string', default: '7' },
    variant: { type: 'string' },
  },
});

/** Free-text columns: held as UTF-8 bytes and written PLAIN, as the transform does. */
const DISTINCT = new Set(['email']);
const PLAIN = ['_row_number', 'email'];

/** A batch ready to be handed over: its stores, with distinct strings already as UTF-8 bytes. */
interface Batch {
  fields: ParquetField[];
  stores: StoredColumn[];
  bytes: Map<string, { data: Buffer; ends: Int32Array }>;
}

/** A way of handing the stores' values to `encodeParquet`. */
interface Variant {
  name: string;
  column: (store: StoredColumn, batch: Batch) => ColumnValues;
  options?: EncodeParquetOptions;
}

/** Today's hand-over (`columnStore.values()` plus `transform`'s audit columns): plain arrays. */
function asArray(store: StoredColumn, batch: Batch): unknown[] {
  const { field, nulls } = store;
  const n = nulls.length;
  const out: unknown[] = new Array(n);
  const bytes = batch.bytes.get(field.name);
  if (bytes) {
    for (let i = 0, start = 0; i < n; start = bytes.ends[i++]!)
      out[i] = nulls[i] ? null : bytes.data.subarray(start, bytes.ends[i]);
  } else if (store.strings) {
    for (let i = 0; i < n; i++) out[i] = store.strings[i];
  } else if (store.bigints) {
    for (let i = 0; i < n; i++) out[i] = nulls[i] ? null : store.bigints[i];
  } else if (field.type === 'timestamp' || field.type === 'bigint') {
    for (let i = 0; i < n; i++) out[i] = nulls[i] ? null : BigInt(store.numbers![i]!);
  } else {
    for (let i = 0; i < n; i++) out[i] = nulls[i] ? null : store.numbers![i];
  }
  return out;
}

/** Typed arrays for every numeric column without a null; arrays otherwise. */
function asTyped(store: StoredColumn, batch: Batch): ColumnValues {
  const { field } = store;
  if (store.hasNull || store.strings) return asArray(store, batch);
  if (store.bigints) return store.bigints.subarray(0);
  const numbers = store.numbers!;
  if (field.type === 'timestamp' || field.type === 'bigint') {
    const out = new BigInt64Array(numbers.length);
    for (let i = 0; i < numbers.length; i++) out[i] = BigInt(numbers[i]!);
    return out;
  }
  if (field.type === 'int' || field.type === 'date') return Int32Array.from(numbers);
  return numbers.subarray(0);
}

/** Typed arrays only for the 32-bit and double columns (no `BigInt` is read out of them). */
function asTyped32(store: StoredColumn, batch: Batch): ColumnValues {
  const int64 = store.field.type === 'bigint' || store.field.type === 'timestamp';
  return int64 ? asArray(store, batch) : asTyped(store, batch);
}

/** Typed arrays only for the INT64 columns. */
function asTyped64(store: StoredColumn, batch: Batch): ColumnValues {
  const int64 = store.field.type === 'bigint' || store.field.type === 'timestamp';
  return int64 ? asTyped(store, batch) : asArray(store, batch);
}

const VARIANTS: Variant[] = [
  { name: 'arrays (today)', column: asArray },
  { name: 'typed arrays where no null', column: asTyped },
  { name: 'typed: Int32Array, Float64Array only', column: asTyped32 },
  { name: 'typed: BigInt64Array only', column: asTyped64 },
  {
    name: 'arrays, partition time column PLAIN',
    column: asArray,
    options: { plainColumns: [...PLAIN, 'hired_at'] },
  },
];

const PHYSICAL: Record<string, 'BYTE_ARRAY' | 'INT32' | 'INT64' | 'DOUBLE'> = {
  string: 'BYTE_ARRAY',
  int: 'INT32',
  date: 'INT32',
  bigint: 'INT64',
  timestamp: 'INT64',
  double: 'DOUBLE',
};

/**
 * hyparquet-writer's dictionary trial alone, per column, on today's hand-over: its CPU time and in
 * how many files it kept the dictionary (a trial that keeps none was paid for nothing).
 */
function dictionaryTrials(batches: Batch[]): void {
  const trials = new Map<string, { ms: number; kept: number }>();
  for (const batch of batches) {
    for (const store of batch.stores) {
      const values = asArray(store, batch);
      const cpu0 = process.cpuUsage();
      const { dictionary } = useDictionary(
        values,
        PHYSICAL[store.field.type]!,
        undefined,
        undefined,
      );
      const cpu = process.cpuUsage(cpu0);
      const t = trials.get(store.field.name) ?? { ms: 0, kept: 0 };
      t.ms += (cpu.user + cpu.system) / 1000;
      if (dictionary) t.kept++;
      trials.set(store.field.name, t);
    }
  }
  console.log('| column | dictionary trial CPU ms | dictionary kept in files |');
  console.log('|---|---|---|');
  for (const [name, t] of trials)
    console.log(`| ${name} | ${t.ms.toFixed(0)} | ${t.kept} of ${batches.length} |`);
}

function prepare(stores: StoredColumn[]): Batch {
  const bytes = new Map<string, { data: Buffer; ends: Int32Array }>();
  for (const s of stores) {
    if (!DISTINCT.has(s.field.name) || !s.strings) continue;
    const data = Buffer.from(s.strings.map((v) => v ?? '').join(''));
    let pos = 0;
    const ends = Int32Array.from(s.strings, (v) => (pos += Buffer.byteLength(v ?? '')));
    bytes.set(s.field.name, { data, ends });
  }
  return { fields: stores.map((s) => s.field), stores, bytes };
}

function encodeAll(batches: Batch[], variant: Variant): number {
  let size = 0;
  for (const batch of batches) {
    const columns: Record<string, ColumnValues> = {};
    for (const store of batch.stores) columns[store.field.name] = variant.column(store, batch);
    size += encodeParquet(batch.fields, columns, {
      plainColumns: PLAIN,
      ...variant.options,
    }).length;
  }
  return size;
}

/** Milliseconds of GC since the last call (a PerformanceObserver sums every collection). */
function gcMeter(): () => number {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) total += e.duration;
  }).observe({ entryTypes: ['gc'] });
  let last = 0;
  return () => {
    const ms = total - last;
    last = total;
    return ms;
  };
}

/** A timer tick: the GC observer reports collections only then. */
const settle = () => new Promise((r) => setTimeout(r, 20));

async function main(): Promise<void> {
  const batches = (await curatedBatches(Number(args.rows))).map(prepare);
  const rows = batches.reduce((n, b) => n + b.stores[0]!.nulls.length, 0);
  console.log(
    `${batches.length} curated files, ${rows.toLocaleString('en-US')} rows; Node ${process.version}, flags: ${process.execArgv.filter((a) => a.startsWith('--max')).join(' ') || '(none)'}`,
  );
  const variants = args.variant === undefined ? VARIANTS : [VARIANTS[Number(args.variant)]!];
  const gc = gcMeter();
  const ms = variants.map(() => [] as number[]);
  const gcMs = variants.map(() => [] as number[]);
  const sizes = variants.map(() => 0);
  for (let round = 0; round < Number(args.runs); round++) {
    for (const [i, variant] of variants.entries()) {
      await settle();
      gc();
      const cpu0 = process.cpuUsage();
      sizes[i] = encodeAll(batches, variant);
      const cpu = process.cpuUsage(cpu0);
      ms[i]!.push((cpu.user + cpu.system) / 1000);
      await settle();
      gcMs[i]!.push(gc());
    }
  }
  console.log('| hand-over | CPU ms, median (runs) | GC ms, median | bytes written |');
  console.log('|---|---|---|---|');
  if (Number(args.runs) === 0) return;
  variants.forEach((v, i) => {
    const runs = ms[i]!.map((m) => m.toFixed(0)).join(', ');
    console.log(
      `| ${v.name} | ${median(ms[i]!).toFixed(0)} (${runs}) | ${median(gcMs[i]!).toFixed(0)} | ${sizes[i]} |`,
    );
  });
  if (args.variant === undefined) dictionaryTrials(batches);
  console.log(`load average: ${loadText(loadavg())}`);
}

await main();
