/**
 * The CSV scanner against the libraries (issue #11: a hand-written scanner is allowed only if it
 * beats papaparse, udsv, csv-simple-parser and d3-dsv by measurement).
 *
 * Two workloads, generated once into a temp folder: the bench workload (`bench/lib/generateCsv.ts`,
 * 5% quoted names) and a quote-heavy variant of as many rows (every text field quoted, doubled
 * quotes, commas and line breaks inside quotes, CRLF records). Each parser runs in its own Node
 * process, from the file on disk to every field available: the string parsers read the file into
 * one string and parse it whole; readCsv and readCsvFields stream it in 1 MiB pieces. Each child
 * counts records and fields and hashes the fields of a sample of records, which must match
 * across parsers. `--runs` rounds (default 3) run every parser once each, the order rotating
 * between rounds; the table gives medians, MB/s (file bytes, 10^6) and the median peak RSS.
 *
 * Usage: npm run bench:csv -- [--rows 1000000] [--runs 3] [--only name,name] [--workload plain|quoted]
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { peakRssMb, runChild } from './lib/childProcess.js';
import { generateCsv } from './lib/generateCsv.js';
import { createRng } from './lib/rng.js';

const self = fileURLToPath(import.meta.url);
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    workload: { type: 'string' },
    parser: { type: 'string' },
    file: { type: 'string' },
  },
});

/** What a child reports. */
interface ParseResult {
  ms: number;
  records: number;
  fields: number;
  sample: string;
  rssMb: number;
}

/** Records whose fields go into the sample hash: every SAMPLE_EVERY-th, from the first (the header). */
const SAMPLE_EVERY = 9973;
const PIECE = 1 << 20;

/** Counts records and fields and hashes a sample of records: the same for every parser. */
class Tally {
  records = 0;
  fields = 0;
  private readonly hash = createHash('sha256');

  /** A record; `texts` is asked for only for sampled records. */
  add(fieldCount: number, texts: () => string[]): void {
    if (this.records % SAMPLE_EVERY === 0) this.hash.update(JSON.stringify(texts()));
    this.records++;
    this.fields += fieldCount;
  }

  /** A record as strings; a blank one (one empty field) is not counted, as readCsv drops it. */
  addRow(row: string[]): void {
    if (row.length === 1 && row[0] === '') return;
    this.add(row.length, () => row);
  }

  sample(): string {
    return this.hash.digest('hex').slice(0, 12);
  }
}

/** Loads a parser's modules (not timed) and returns the run to time. */
type Parser = () => Promise<(file: string, tally: Tally) => Promise<void>>;

const PARSERS: Record<string, Parser> = {
  /** papaparse as readCsv uses it: blocks of 256 Ki characters cut at record boundaries. */
  'papaparse (readCsv)': async () => {
    const { readCsv } = await import('../src/core/csv/readCsv.js');
    return async (file, tally) => {
      const body = createReadStream(file, { highWaterMark: PIECE });
      for await (const batch of readCsv(body, { delimiter: ',', quote: '"', header: false }))
        for (const row of batch.rows) tally.addRow(row);
    };
  },
  /** papaparse on the whole file as one string. */
  'papaparse (whole)': async () => {
    const Papa = (await import('papaparse')).default;
    return async (file, tally) => {
      const text = readFileSync(file, 'utf8');
      const newline = text.indexOf('\r\n') === text.indexOf('\n') - 1 ? '\r\n' : '\n';
      const { data } = Papa.parse<string[]>(text, { delimiter: ',', quoteChar: '"', newline });
      for (const row of data) tally.addRow(row);
    };
  },
  udsv: async () => {
    const { inferSchema, initParser } = await import('udsv');
    return async (file, tally) => {
      const text = readFileSync(file, 'utf8');
      const row = text.includes('\r\n') ? '\r\n' : '\n';
      // No header rows skipped, so every parser counts the header as a record.
      const schema = inferSchema(text, { col: ',', row, encl: '"', header: () => [] });
      for (const r of initParser(schema).stringArrs(text)) tally.addRow(r);
    };
  },
  'csv-simple-parser': async () => {
    const parse = (await import('csv-simple-parser')).default;
    return async (file, tally) => {
      const text = readFileSync(file, 'utf8');
      const rows = parse(text, { delimiter: ',', quote: '"', header: false, infer: false });
      // It reads a final line break as one more record, ['', null, …]: not a record.
      const last = rows.at(-1) as (string | null)[] | undefined;
      if (last?.[0] === '' && last.slice(1).every((v) => v === null)) rows.pop();
      for (const r of rows as string[][]) tally.addRow(r);
    };
  },
  'd3-dsv': async () => {
    const { csvParseRows } = await import('d3-dsv');
    return async (file, tally) => {
      const text = readFileSync(file, 'utf8');
      for (const r of csvParseRows(text)) tally.addRow(r);
    };
  },
  /** The scanner: field offsets into the bytes, no string per field. */
  readCsvFields: async () => {
    const { readCsvFields } = await import('../src/core/csv/readCsvFields.js');
    const { recordTexts } = await import('../src/core/csv/fieldBlock.js');
    return async (file, tally) => {
      const body = createReadStream(file, { highWaterMark: PIECE });
      for await (const b of readCsvFields(body, { delimiter: ',', quote: '"', header: false })) {
        const fs = b.fieldStart;
        for (let r = 0; r < b.rows; r++) tally.add(fs[r + 1]! - fs[r]!, () => recordTexts(b, r));
      }
    };
  },
  /** The scanner, then every field decoded to a string with `fieldText` (like for like). */
  'readCsvFields + fieldText': async () => {
    const { readCsvFields } = await import('../src/core/csv/readCsvFields.js');
    const { fieldText } = await import('../src/core/csv/fieldBlock.js');
    return async (file, tally) => {
      const body = createReadStream(file, { highWaterMark: PIECE });
      for await (const b of readCsvFields(body, { delimiter: ',', quote: '"', header: false })) {
        const fs = b.fieldStart;
        for (let r = 0; r < b.rows; r++) {
          const row: string[] = [];
          for (let k = fs[r]!; k < fs[r + 1]!; k++) row.push(fieldText(b, k));
          tally.addRow(row);
        }
      }
    };
  },
};

/** Child: parse one file with one parser and print the result. */
async function child(name: string, file: string): Promise<void> {
  const parser = PARSERS[name];
  if (!parser) throw new Error(`unknown parser ${name}`);
  const run = await parser();
  const tally = new Tally();
  const t0 = performance.now();
  await run(file, tally);
  const ms = performance.now() - t0;
  const result: ParseResult = {
    ms,
    records: tally.records,
    fields: tally.fields,
    sample: tally.sample(),
    rssMb: peakRssMb(),
  };
  console.log(JSON.stringify(result));
}

/**
 * The quote-heavy variant: id, then quoted name, note (doubled quotes, commas, now and then a line
 * break), email, quoted timestamp, department; CRLF records.
 */
async function generateQuoted(path: string, rows: number, seed = 4180): Promise<void> {
  const rnd = createRng(seed);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const names = ['Ana', 'Chloé', 'Dmitri', 'Eun-ji', 'José', "O'Neil", 'Müller', '日本'];
  const notes = ['said ""hi""', 'a, b, c', 'plain', '""quoted""', 'two\nlines', '€ 12,50', ''];
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('id,name,note,email,at,department_id\r\n');
  const lines: string[] = [];
  for (let i = 1; i <= rows; i++) {
    const pick = (a: string[]) => a[Math.floor(rnd() * a.length)]!;
    const name = `${pick(names)}, ${pick(names)}`;
    const note = `${pick(notes)} ${pick(notes)}`;
    const at = new Date(Date.UTC(2024, 2, 1) + Math.floor(rnd() * 1e10)).toISOString();
    lines.push(`${i},"${name}","${note}","u${i}@example.com","${at}",${1 + (i % 12)}`);
    if (lines.length === 10_000 || i === rows) {
      await write(lines.join('\r\n') + '\r\n');
      lines.length = 0;
    }
  }
  out.end();
  await once(out, 'finish');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const rows = Number(args.rows);
  const runs = Number(args.runs);
  const names = args.only ? args.only.split(',') : Object.keys(PARSERS);
  const dir = join(tmpdir(), 'lake-csv-bench');
  mkdirSync(dir, { recursive: true });
  const workloads: { name: string; file: string }[] = [];
  if (args.workload !== 'quoted') {
    const file = join(dir, `users-${rows}.csv`);
    if (!existsSync(file)) await generateCsv(file, rows);
    workloads.push({ name: 'plain', file });
  }
  if (args.workload !== 'plain') {
    const file = join(dir, `quoted-${rows}.csv`);
    if (!existsSync(file)) await generateQuoted(file, rows);
    workloads.push({ name: 'quoted', file });
  }
  const load = loadavg().map((l) => l.toFixed(2));
  console.log(`rows ${rows}, runs ${runs}, load average at start ${load.join(' ')}`);
  const results = new Map<string, ParseResult[]>();
  for (let run = 0; run < runs; run++) {
    for (const w of workloads) {
      // Rotate the order so no parser always runs first (or right after the heaviest).
      const order = names.map((_, i) => names[(i + run) % names.length]!);
      for (const name of order) {
        const r = await runChild<ParseResult>(self, ['--parser', name, '--file', w.file]);
        const key = `${w.name}\t${name}`;
        results.set(key, [...(results.get(key) ?? []), r]);
        console.log(
          `run ${run + 1} ${w.name} ${name}: ${r.ms.toFixed(0)} ms, ${r.records} records, ${r.fields} fields, sample ${r.sample}, ${r.rssMb.toFixed(0)} MB`,
        );
      }
    }
  }
  let failed = false;
  const table: string[] = [];
  for (const w of workloads) {
    const mb = statSync(w.file).size / 1e6;
    table.push(`\n${w.name}: ${w.file} (${mb.toFixed(1)} MB)`);
    table.push('| parser | median s | runs s | MB/s | records | fields | sample | peak RSS MB |');
    table.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    let reference: ParseResult | undefined;
    for (const name of names) {
      const rs = results.get(`${w.name}\t${name}`)!;
      const same = rs.every(
        (r) =>
          r.records === rs[0]!.records && r.fields === rs[0]!.fields && r.sample === rs[0]!.sample,
      );
      reference ??= rs[0];
      const agree =
        same &&
        rs[0]!.records === reference!.records &&
        rs[0]!.fields === reference!.fields &&
        rs[0]!.sample === reference!.sample;
      if (!agree) failed = true;
      const s = median(rs.map((r) => r.ms)) / 1000;
      table.push(
        `| ${name} | ${s.toFixed(2)} | ${rs.map((r) => (r.ms / 1000).toFixed(2)).join(', ')} | ${(mb / s).toFixed(0)} | ${rs[0]!.records} | ${rs[0]!.fields} | ${rs[0]!.sample}${agree ? '' : ' MISMATCH'} | ${median(rs.map((r) => r.rssMb)).toFixed(0)} |`,
      );
    }
  }
  console.log(table.join('\n'));
  console.log(
    `load average at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (failed) {
    console.error('parsers disagree on records, fields or the sample');
    process.exitCode = 1;
  }
}

if (args.parser) await child(args.parser, args.file!);
else await main();
