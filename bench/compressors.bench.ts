/**
 * Parquet page compressors, measured on the pages our transform really writes: the bench runs the
 * transform over the reference workload (`bench/lib/generateCsv.ts`), reads every page back out of
 * its files uncompressed (`bench/lib/parquetPages.ts`), then times each candidate compressing all
 * of them, in interleaved rounds (every candidate once per round, medians reported).
 *
 * Each candidate is checked: its output decompresses to the page (GZIP by zlib, SNAPPY by
 * hyparquet's reader, ZSTD by fzstd or zlib), and compressing twice gives the same bytes. The
 * `hash` column (SHA-256 of all outputs) lets runs in other processes or Node versions be compared.
 *
 * Candidates other than Node's zlib are not dependencies: install them in a scratch dir first,
 * `mkdir /tmp/cz && cd /tmp/cz && npm i snappyjs snappy snappy-wasm zstd-napi zstd-codec
 * @bokuweb/zstd-wasm fzstd hyparquet-writer@0.17.0`. One that is missing or fails to load is listed
 * as such. Node's own zstd (`zlib.zstdCompressSync`) exists from Node 22.15 on: run this file under
 * such a Node to measure it (e.g. `node --import tsx bench/compressors.bench.ts`).
 *
 * Usage: tsx bench/compressors.bench.ts [--rows 250000] [--runs 5] [--modules /tmp/cz/node_modules]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as zlib from 'node:zlib';
import { snappyUncompress } from 'hyparquet';
import { benchContract } from './contract.js';
import { runOursJob } from './engines/oursJob.js';
import { generateCsv } from './lib/generateCsv.js';
import { parquetPages } from './lib/parquetPages.js';
import type { Page } from './lib/parquetPages.js';
import { loadText, median } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '250000' },
    runs: { type: 'string', default: '5' },
    modules: { type: 'string', default: '/tmp/cz/node_modules' },
  },
});

type Compress = (page: Uint8Array) => Uint8Array;
type Codec = 'GZIP' | 'SNAPPY' | 'ZSTD';

interface Candidate {
  name: string;
  codec: Codec;
  form: 'pure JS' | 'WASM' | 'native addon' | 'Node zlib';
  /** Loads the compressor from the scratch modules; throws when it cannot. */
  load: () => Promise<Compress>;
}

const scratch = createRequire(join(args.modules, 'noop.js'));
/** ESM import of a package (or a file in one) from the scratch modules. */
const importScratch = async (specifier: string): Promise<Record<string, unknown>> =>
  (await import(pathToFileURL(scratch.resolve(specifier)).href)) as Record<string, unknown>;

/** Node zlib's zstd, when this Node has it (22.15+); level 1 is zstd's fastest regular level. */
function zlibZstd(level: number): Compress {
  const z = zlib as unknown as {
    zstdCompressSync?: (b: Uint8Array, o: object) => Buffer;
    constants: Record<string, number>;
  };
  if (!z.zstdCompressSync) throw new Error(`Node ${process.version} has no zlib zstd`);
  const zstd = z.zstdCompressSync;
  const params = { [z.constants.ZSTD_c_compressionLevel!]: level };
  return (page) => zstd(page, { params });
}

const CANDIDATES: Candidate[] = [
  {
    name: 'zlib gzip level 1 (current)',
    codec: 'GZIP',
    form: 'Node zlib',
    load: async () => (page) => zlib.gzipSync(page, { level: 1 }),
  },
  { name: 'zlib zstd level 1', codec: 'ZSTD', form: 'Node zlib', load: async () => zlibZstd(1) },
  { name: 'zlib zstd level 3', codec: 'ZSTD', form: 'Node zlib', load: async () => zlibZstd(3) },
  {
    name: 'hyparquet-writer snappy',
    codec: 'SNAPPY',
    form: 'pure JS',
    load: async () => (await import('hyparquet-writer/src/snappy.js')).snappyCompress,
  },
  {
    name: 'snappyjs',
    codec: 'SNAPPY',
    form: 'pure JS',
    load: async () => (scratch('snappyjs') as { compress: Compress }).compress,
  },
  {
    name: 'snappy-wasm',
    codec: 'SNAPPY',
    form: 'WASM',
    load: async () => (scratch('snappy-wasm') as { compress_raw: Compress }).compress_raw,
  },
  {
    name: 'snappy (napi-rs)',
    codec: 'SNAPPY',
    form: 'native addon',
    load: async () => (scratch('snappy') as { compressSync: Compress }).compressSync,
  },
  {
    name: 'zstd-napi level 1',
    codec: 'ZSTD',
    form: 'native addon',
    load: async () => {
      const { compress } = scratch('zstd-napi') as {
        compress: (b: Uint8Array, p: object) => Buffer;
      };
      return (page) => compress(page, { compressionLevel: 1 });
    },
  },
  {
    name: '@bokuweb/zstd-wasm level 1',
    codec: 'ZSTD',
    form: 'WASM',
    load: async () => {
      const m = scratch('@bokuweb/zstd-wasm') as {
        init: () => Promise<void>;
        compress: (b: Uint8Array, level: number) => Uint8Array;
      };
      await m.init();
      return (page) => m.compress(page, 1);
    },
  },
  {
    name: 'zstd-codec level 1',
    codec: 'ZSTD',
    form: 'WASM',
    load: async () => {
      type Simple = { compress: (b: Uint8Array, level: number) => Uint8Array };
      const { ZstdCodec } = scratch('zstd-codec') as {
        ZstdCodec: { run: (f: (z: { Simple: new () => Simple }) => void) => void };
      };
      const simple = await new Promise<Simple>((resolve) =>
        ZstdCodec.run((z) => resolve(new z.Simple())),
      );
      return (page) => simple.compress(page, 1);
    },
  },
];

/** Decompressors that check each codec's output, independent of the candidates. */
async function decompressors(): Promise<
  Record<Codec, (b: Uint8Array, size: number) => Uint8Array>
> {
  const zstdJs = await importScratch('fzstd').catch(() => undefined);
  const z = zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer };
  return {
    GZIP: (b) => zlib.gunzipSync(b),
    SNAPPY: (b, size) => {
      const out = new Uint8Array(size);
      snappyUncompress(b, out);
      return out;
    },
    ZSTD: (b) => {
      if (zstdJs) return (zstdJs.decompress as (b: Uint8Array) => Uint8Array)(b);
      if (z.zstdDecompressSync) return z.zstdDecompressSync(b);
      throw new Error('no zstd decompressor: install fzstd in --modules');
    },
  };
}

/** Runs the transform over `rows` generated rows and returns every page of its Parquet files. */
async function transformPages(rows: number): Promise<Page[]> {
  const dir = mkdtempSync(join(tmpdir(), 'compressors-bench-'));
  try {
    const input = join(dir, 'employees.csv');
    await generateCsv(input, rows);
    const out = join(dir, 'out');
    await runOursJob(benchContract, input, out);
    const files = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.parquet'),
    );
    return files.flatMap((f) => parquetPages(readFileSync(join(out, f))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Loaded extends Candidate {
  compress: Compress;
  ms: number[];
  outBytes: number;
  hash: string;
  deterministic: boolean;
}

/** Loads each candidate and checks it on every page; prints why one is left out. */
async function loadAll(pages: Page[]): Promise<Loaded[]> {
  const check = await decompressors();
  const loaded: Loaded[] = [];
  for (const candidate of CANDIDATES) {
    try {
      const compress = await candidate.load();
      const outs = pages.map((p) => compress(p.bytes));
      pages.forEach((p, i) => {
        const back = check[candidate.codec](outs[i]!, p.bytes.length);
        if (Buffer.compare(Buffer.from(back), Buffer.from(p.bytes)) !== 0)
          throw new Error(`page ${i} (${p.column}) does not round-trip`);
      });
      const hash = createHash('sha256');
      for (const o of outs) hash.update(o);
      const again = pages.every((p, i) => Buffer.compare(compress(p.bytes), outs[i]!) === 0);
      const outBytes = outs.reduce((n, o) => n + o.length, 0);
      loaded.push({
        ...candidate,
        compress,
        ms: [],
        outBytes,
        hash: hash.digest('hex').slice(0, 12),
        deterministic: again,
      });
    } catch (err) {
      console.log(`left out: ${candidate.name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return loaded;
}

/** Interleaved rounds: each candidate compresses all pages once per round. */
function timeAll(loaded: Loaded[], pages: Page[], runs: number): void {
  for (let round = 0; round < runs; round++) {
    for (const c of loaded) {
      const t0 = performance.now();
      for (const p of pages) c.compress(p.bytes);
      c.ms.push(performance.now() - t0);
    }
  }
}

function table(loaded: Loaded[], inBytes: number): string {
  const gzip = loaded.find((c) => c.name.startsWith('zlib gzip'));
  const lines = [
    '| compressor | codec | form | median ms (runs) | MB/s | output MB | % of input | vs gzip-1 time | same bytes twice | hash |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of loaded) {
    const ms = median(c.ms);
    lines.push(
      `| ${c.name} | ${c.codec} | ${c.form} | ${ms.toFixed(0)} (${c.ms.map((m) => m.toFixed(0)).join(', ')}) | ` +
        `${(inBytes / 1e6 / (ms / 1000)).toFixed(0)} | ${(c.outBytes / 1e6).toFixed(2)} | ` +
        `${((100 * c.outBytes) / inBytes).toFixed(1)} | ${gzip ? (ms / median(gzip.ms)).toFixed(2) : '—'} | ` +
        `${c.deterministic ? 'yes' : 'NO'} | ${c.hash} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const rows = Number(args.rows);
  const pages = await transformPages(rows);
  const inBytes = pages.reduce((n, p) => n + p.bytes.length, 0);
  const dictionaryPages = pages.filter((p) => p.kind === 'DICTIONARY_PAGE').length;
  console.log(
    `${pages.length} pages (${dictionaryPages} dictionary) from ${rows.toLocaleString('en-US')} rows, ` +
      `${(inBytes / 1e6).toFixed(1)} MB uncompressed; Node ${process.version} ${process.arch}`,
  );
  const loaded = await loadAll(pages);
  timeAll(loaded, pages, Number(args.runs));
  console.log(table(loaded, inBytes));
  console.log(`load average: ${loadText(loadavg())}`);
}

await main();
