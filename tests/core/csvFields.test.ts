import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  EncodingError,
  HeaderMismatchError,
  findInvalidUtf8,
  readCsv,
  readCsvFields,
  recordTexts,
} from '../../src/core/csv/index.js';
import type { ReadCsvOptions } from '../../src/core/csv/index.js';
import { piecesOf } from './helpers.js';
import { createRng as rng } from '../../bench/lib/rng.js';

/**
 * readCsvFields against papaparse (issue #11: a hand-written scanner must agree with papaparse on
 * a randomized RFC 4180 corpus), and against readCsv, which the Validate step still uses.
 */

type Row = { n: number; fields: string[] };
type Outcome = { rows: Row[] } | { error: string; message: string };

async function outcome(run: () => Promise<Row[]>): Promise<Outcome> {
  try {
    return { rows: await run() };
  } catch (e) {
    if (e instanceof EncodingError || e instanceof HeaderMismatchError)
      return { error: e.name, message: e.message };
    throw e;
  }
}

function viaFields(body: AsyncIterable<Uint8Array>, o: ReadCsvOptions): Promise<Outcome> {
  return outcome(async () => {
    const out: Row[] = [];
    for await (const b of readCsvFields(body, o))
      for (let r = 0; r < b.rows; r++)
        out.push({ n: b.firstRowNumber + r, fields: recordTexts(b, r) });
    return out;
  });
}

function viaReadCsv(body: AsyncIterable<Uint8Array>, o: ReadCsvOptions): Promise<Outcome> {
  return outcome(async () => {
    const out: Row[] = [];
    for await (const b of readCsv(body, o))
      b.rows.forEach((fields, i) => out.push({ n: b.firstRowNumber + i, fields }));
    return out;
  });
}

/**
 * The oracle: papaparse over the whole decoded text (BOM dropped) with the options readCsv passes,
 * blank records (one empty field) dropped, the header checked and dropped, rows numbered.
 */
function viaPapa(text: string, newline: '\n' | '\r\n', o: ReadCsvOptions): Outcome {
  const data = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    delimiter: o.delimiter,
    quoteChar: o.quote,
    escapeChar: o.quote,
    newline,
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
  }).data.filter((r) => !(r.length === 1 && r[0] === ''));
  if (o.header && data.length > 0) {
    const found = data.shift()!;
    const expected = o.expectedHeader;
    const norm = (s: string) => s.trim().toLowerCase();
    if (
      expected &&
      !(found.length === expected.length && found.every((f, i) => norm(f) === norm(expected[i]!)))
    ) {
      return {
        error: 'HeaderMismatchError',
        message: `header mismatch: expected [${expected.join(', ')}], found [${found.map((f) => f.trim()).join(', ')}]`,
      };
    }
  }
  return { rows: data.map((fields, i) => ({ n: (o.firstRowNumber ?? 1) + i, fields })) };
}

/** Bytes cut at the given offsets (sorted, deduplicated, within the body). */
async function* cutAt(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (c <= from || c >= bytes.length) continue;
    yield bytes.subarray(from, c);
    from = c;
  }
  if (from < bytes.length || bytes.length === 0) yield bytes.subarray(from);
}

/**
 * Random cut points: pieces of 1 byte to a few KB, plus cuts inside the BOM, between CR and LF
 * and inside multi-byte characters.
 */
function randomCuts(bytes: Uint8Array, rnd: () => number): number[] {
  const cuts: number[] = [];
  const scale = [1, 4, 64, 4096][Math.floor(rnd() * 4)]!;
  for (let at = 0; at < bytes.length;) {
    at += 1 + Math.floor(rnd() * scale);
    cuts.push(at);
  }
  cuts.push(1 + Math.floor(rnd() * 3)); // inside or just after a BOM
  for (let i = 1; i < bytes.length; i++) {
    const b = bytes[i]!;
    const between = bytes[i - 1] === 13 && b === 10; // CR | LF
    const inside = (b & 0xc0) === 0x80; // before a continuation byte
    if ((between || inside) && rnd() < 0.3) cuts.push(i);
  }
  return cuts;
}

interface Corpus {
  text: string;
  /** How the first record ends (what papaparse must be told). */
  newline: '\n' | '\r\n';
  options: ReadCsvOptions;
}

const MULTI = ['é', 'ß', '日本', '€', '😀', '𝄞', 'Zoë'];

/** One random RFC 4180 file. */
function randomFile(rnd: () => number, rowsMax: number): Corpus {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const delimiter = rnd() < 0.55 ? ',' : pick([';', '\t', '|']);
  const quote = rnd() < 0.9 ? '"' : "'";
  const ending = rnd() < 0.45 ? '\n' : rnd() < 0.85 ? '\r\n' : 'mixed';
  const plain = () => {
    const r = rnd();
    if (r < 0.15) return '';
    if (r < 0.3) return pick(MULTI);
    const bits = ['a', 'bc', '12', ' ', 'x y', '-3.5', pick(MULTI), quote === '"' ? "'" : '"'];
    let s = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(bits)).join('');
    if (s.startsWith(quote)) s = 'q' + s;
    return s;
  };
  const quoted = () => {
    const bits = ['a', quote, delimiter, ',', '\r', '\n', '\r\n', ' ', pick(MULTI), '\t'];
    const inner = Array.from({ length: Math.floor(rnd() * 6) }, () => pick(bits)).join('');
    return quote + inner.replaceAll(quote, quote + quote) + quote;
  };
  const field = () => (rnd() < 0.35 ? quoted() : plain());
  const lines: string[] = [];
  const width = 1 + Math.floor(rnd() * 5);
  const header = rnd() < 0.3;
  const names = Array.from({ length: width }, (_, i) => `col${i}`);
  if (header) lines.push(names.join(delimiter));
  const rows = Math.floor(rnd() * (rowsMax + 1));
  for (let r = 0; r < rows; r++) {
    if (rnd() < 0.08)
      lines.push(''); // blank line
    else if (rnd() < 0.03)
      lines.push(quote + quote); // a lone empty quoted field is blank too
    else {
      const w = rnd() < 0.9 ? width : 1 + Math.floor(rnd() * 6);
      lines.push(Array.from({ length: w }, field).join(delimiter));
    }
  }
  const endings = lines.map(() => (ending === 'mixed' ? pick(['\n', '\r\n']) : ending));
  let text = rnd() < 0.3 ? '\uFEFF' : '';
  const final = rnd() < 0.5;
  lines.forEach((l, i) => (text += l + (i < lines.length - 1 || final ? endings[i] : '')));
  const options: ReadCsvOptions = { delimiter, quote, header };
  if (header) {
    options.expectedHeader =
      rnd() < 0.2 ? names.slice(0, -1).concat('other') : names.map((n) => ` ${n.toUpperCase()}`);
  }
  if (rnd() < 0.5) options.firstRowNumber = 1 + Math.floor(rnd() * 1000);
  // A file's line break is how its first record ends (a line feed outside quotes).
  const newline = lines.length > 1 || final ? ((endings[0] ?? '\n') as '\n' | '\r\n') : '\n';
  return { text, newline, options };
}

const encoder = new TextEncoder();

async function checkAgainstPapa(seed: number, files: number, rowsMax: number): Promise<void> {
  const rnd = rng(seed);
  let compared = 0;
  for (let f = 0; f < files; f++) {
    const { text, newline, options } = randomFile(rnd, rowsMax);
    const bytes = encoder.encode(text);
    const expected = viaPapa(text, newline, options);
    const cuts = randomCuts(bytes, rnd);
    const label = JSON.stringify({ seed, f, text, options, cuts: cuts.slice(0, 40) });
    expect(await viaFields(cutAt(bytes, cuts), options), label).toEqual(expected);
    expect(await viaFields(piecesOf(bytes), options), label).toEqual(expected);
    const blockChars = rnd() < 0.5 ? 1 + Math.floor(rnd() * 64) : undefined;
    expect(await viaReadCsv(cutAt(bytes, cuts), { ...options, blockChars }), label).toEqual(
      expected,
    );
    compared++;
  }
  expect(compared).toBe(files);
}

describe('readCsvFields agrees with papaparse on a random RFC 4180 corpus', () => {
  it.each([1, 2, 3, 4])('small files, seed %i (750 files)', async (seed) => {
    await checkAgainstPapa(seed, 750, 8);
  });

  it('larger files across buffer growth (30 files up to 2,000 rows)', async () => {
    await checkAgainstPapa(99, 30, 2000);
  });

  it('the corpus covers what it claims', () => {
    const rnd = rng(1);
    const seen = new Set<string>();
    for (let f = 0; f < 750; f++) {
      const { text, options, newline } = randomFile(rnd, 8);
      const body = text.replace(/^\uFEFF/, '');
      if (text !== body) seen.add('bom');
      if (/\r\n$|\n$/.test(text)) seen.add('final line break');
      else if (body.length > 0) seen.add('no final line break');
      seen.add(`newline ${JSON.stringify(newline)}`);
      seen.add(`delimiter ${JSON.stringify(options.delimiter)}`);
      if (options.expectedHeader) seen.add('expectedHeader');
      if (options.firstRowNumber) seen.add('firstRowNumber');
      const q = options.quote;
      if (body.includes(q + q + q) || body.includes(`a${q}${q}`)) seen.add('doubled quote');
      if (/\n\r?\n/.test(body)) seen.add('blank line');
      if (/[\u0080-\u07ff]/.test(body)) seen.add('2-byte');
      if (/[\u0800-\uffff]/.test(body.replace(/[\ud800-\udfff]/g, ''))) seen.add('3-byte');
      if (/[\ud800-\udbff]/.test(body)) seen.add('4-byte');
    }
    expect([...seen].sort()).toEqual(
      [
        '2-byte',
        '3-byte',
        '4-byte',
        'blank line',
        'bom',
        'delimiter "\\t"',
        'delimiter ","',
        'delimiter ";"',
        'delimiter "|"',
        'doubled quote',
        'expectedHeader',
        'final line break',
        'firstRowNumber',
        'newline "\\n"',
        'newline "\\r\\n"',
        'no final line break',
      ].sort(),
    );
  });
});

describe('readCsvFields refuses invalid UTF-8 where readCsv does', () => {
  const bad: number[][] = [
    [0x80],
    [0xff],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xe2, 0x82],
    [0xf4, 0x90, 0x80, 0x80],
  ];
  it('at the same byte offset (500 corrupted files)', async () => {
    const rnd = rng(7);
    for (let f = 0; f < 500; f++) {
      const { text, options } = randomFile(rnd, 6);
      const valid = encoder.encode(text);
      const at = Math.floor(rnd() * (valid.length + 1));
      const junk = bad[Math.floor(rnd() * bad.length)]!;
      const bytes = new Uint8Array([...valid.subarray(0, at), ...junk, ...valid.subarray(at)]);
      const o = { ...options, header: false, expectedHeader: undefined };
      const offset = findInvalidUtf8(bytes, true);
      const label = JSON.stringify({ f, text, at, junk });
      expect(offset, label).toBeGreaterThanOrEqual(0);
      const want = { error: 'EncodingError', message: `invalid UTF-8 at byte offset ${offset}` };
      const cuts = randomCuts(bytes, rnd);
      expect(await viaFields(cutAt(bytes, cuts), o), label).toEqual(want);
      expect(await viaReadCsv(cutAt(bytes, cuts), o), label).toEqual(want);
    }
  });
});

describe('readCsv picks the line break as readCsvFields does', () => {
  // An LF file whose first record has CRLF inside quotes and no final line break: readCsv used to
  // take the first line feed, quotes or not, and so read the whole file as one CRLF record.
  it.each([
    [
      '"a\r\nb",c\nd,e',
      [
        ['a\r\nb', 'c'],
        ['d', 'e'],
      ],
    ],
    [
      'x,"1\r\n2"\ny,z',
      [
        ['x', '1\r\n2'],
        ['y', 'z'],
      ],
    ],
    // A quote inside an unquoted field opens nothing: the first record ends with CRLF.
    ['a"b,c\r\nd"\ne\r\n', [['a"b', 'c'], ['d"\ne']]],
    // A CRLF file whose first quoted field holds a bare LF.
    [
      '"a\nb",c\r\nd,e',
      [
        ['a\nb', 'c'],
        ['d', 'e'],
      ],
    ],
  ])('%j', async (text, want) => {
    for (const size of [1, 3, 1000]) {
      const o: ReadCsvOptions = { delimiter: ',', quote: '"', header: false };
      const rows = want.map((fields, i) => ({ n: i + 1, fields }));
      expect(await viaReadCsv(piecesOf(text, size), o)).toEqual({ rows });
      expect(await viaFields(piecesOf(text, size), o)).toEqual({ rows });
    }
  });
});

/**
 * Inputs outside RFC 4180, where papaparse has a reading of its own. We pin papaparse's reading of
 * the whole text (LF records here) and check that readCsv and readCsvFields give it whatever the cuts.
 */
describe('non-RFC inputs read as papaparse reads them', () => {
  it.each<[string, string, string[][]]>([
    // A quote inside an unquoted field is literal.
    ['stray quote in an unquoted field', 'a"b,c\nd\n', [['a"b', 'c'], ['d']]],
    // Text after a closing quote: the quote is literal and the field runs on to the next quote
    // that is followed by a delimiter or a line break (here the end of "x"), across records.
    ['text after a closing quote', '"a"b,c\n"x"\nq\n', [['a"b,c\n"x'], ['q']]],
    // Whitespace between a closing quote and the delimiter or line break is dropped.
    ['spaces after a closing quote', '"a"  ,"b"\t\n"c" \u00a0\nd\n', [['a', 'b'], ['c'], ['d']]],
    // ... but whitespace up to the end of the input does not close: the field is the rest of
    // the input after the opening quote, as written.
    ['spaces after a closing quote at the end', 'x\n"a"" " ', [['x'], ['a"" " ']]],
    // An unterminated quote: the field is the rest of the input after the opening quote, doubled
    // quotes left as they are, the final line break included.
    [
      'unterminated quote at the end',
      'x,y\nz,"a""b\nc\n',
      [
        ['x', 'y'],
        ['z', 'a""b\nc\n'],
      ],
    ],
    // A closing quote as the very last character closes the field.
    ['closing quote at the very end', 'x\n"a""b"', [['x'], ['a"b']]],
  ])('%s', async (_name, text, want) => {
    const o: ReadCsvOptions = { delimiter: ',', quote: '"', header: false };
    const rows = want.map((fields, i) => ({ n: i + 1, fields }));
    expect(viaPapa(text, '\n', o)).toEqual({ rows });
    for (const size of [1, 2, 3, 5, 1000]) {
      expect(await viaFields(piecesOf(text, size), o), `size ${size}`).toEqual({ rows });
      expect(await viaReadCsv(piecesOf(text, size), { ...o, blockChars: 4 })).toEqual({ rows });
    }
  });

  it('in CRLF files, a bare CR or LF after a closing quote is whitespace too', async () => {
    const text = 'x\r\n"a"\r,"b"\n\r\nc\r\n';
    const o: ReadCsvOptions = { delimiter: ',', quote: '"', header: false };
    const rows = [
      { n: 1, fields: ['x'] },
      { n: 2, fields: ['a', 'b'] },
      { n: 3, fields: ['c'] },
    ];
    expect(viaPapa(text, '\r\n', o)).toEqual({ rows });
    for (const size of [1, 2, 1000]) {
      expect(await viaFields(piecesOf(text, size), o)).toEqual({ rows });
      expect(await viaReadCsv(piecesOf(text, size), { ...o, blockChars: 4 })).toEqual({ rows });
    }
  });
});
