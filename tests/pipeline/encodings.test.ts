/**
 * Files of every kind through the ingest workflow (committed ASL, our runner, in-memory store):
 * gzip detected by its bytes and chunked on Validate's decoded copy, declared encodings (latin1,
 * windows-1252, utf-16 by BOM), delimiters `;`, tab and `|`; undeclared bad bytes still end in
 * quarantine with EncodingError and the byte offset.
 */
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { Contract } from '../../src/core/contract/index.js';
import { compressionOf, encodingOf, toUtf8 } from '../../src/core/csv/encodings.js';
import { EncodingError } from '../../src/core/csv/errors.js';
import { resolveDataset } from '../../src/core/contract/index.js';
import { parseContract } from '../../src/core/contract/parseContract.js';
import { readCsv } from '../../src/core/csv/index.js';
import type { RunSummary } from '../../src/pipeline/index.js';
import { ingestRunner } from '../ingest/runIngest.js';
import { BUCKETS, makeDeps, upload } from './harness.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});

const people = (csv: Contract['csv'] = {}, files = ['people*.csv']): Contract => ({
  dataset: 'people',
  files,
  csv,
  columns: [
    { name: 'id', type: 'int', nullable: false },
    { name: 'name', type: 'string', nullable: false },
    { name: 'city', type: 'string' },
  ],
});

/** `n` rows with names that need more than ASCII. */
function rows(n: number, d = ','): string {
  const names = ['Zoë', 'José', 'Ångström', 'Núñez', 'Çelik', 'Müller'];
  const lines = ['id,name,city'.replace(/,/g, d)];
  for (let i = 1; i <= n; i++)
    lines.push([i, names[i % names.length], i % 7 ? 'Köln' : ''].join(d));
  return lines.join('\n') + '\n';
}

async function ingest(contract: Contract, key: string, bytes: Uint8Array, chunkBytes?: number) {
  const h = await makeDeps({ contracts: [contract], ...(chunkBytes ? { chunkBytes } : {}) });
  cleanups.push(h.cleanup);
  const { runner } = ingestRunner(h.deps);
  const { executionArn } = await runner.startExecution({
    input: await upload(h.store, key, bytes),
  });
  const result = await runner.waitForExecution(executionArn);
  return { ...h, result };
}

/** The curated names, read back through the catalog-less path: the staged summaries' counts. */
function summaryOf(result: { status: string; output?: string; cause?: string }): RunSummary {
  expect(result.status, result.cause).toBe('SUCCEEDED');
  return JSON.parse(result.output!) as RunSummary;
}

describe('compressed uploads', () => {
  it('a .csv.gz matches users*.csv-style patterns; its rows are exact, in several chunks of the decoded copy', async () => {
    const text = rows(2000);
    const { result, store } = await ingest(
      people(),
      'in/people_2024.csv.gz',
      gzipSync(text),
      8 * 1024,
    );
    const s = summaryOf(result);
    expect(s.rowsRead).toBe(2000);
    expect(s.rowsCurated + s.rowsRejected).toBe(2000);
    const decoded = (await store.list(BUCKETS.raw, '_decoded/')).map((o) => o.key);
    expect(decoded.length).toBeGreaterThan(3);
    const joined = Buffer.concat(
      await Promise.all(
        decoded.map(async (k) => Buffer.concat(await collect(await store.get(BUCKETS.raw, k)))),
      ),
    );
    expect(joined.toString('utf8')).toBe(text);
  });

  it('detects gzip by its bytes under any name, and reads a .gz that is not gzip as text', async () => {
    const a = summaryOf((await ingest(people(), 'people.csv', gzipSync(rows(10)))).result);
    expect(a.rowsRead).toBe(10);
    const b = summaryOf((await ingest(people(), 'people.csv.gz', Buffer.from(rows(10)))).result);
    expect(b.rowsRead).toBe(10);
  });

  it('quarantines zstd (Node 20 has none) and corrupt gzip as EncodingError', async () => {
    const zstd = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]);
    const z = await ingest(people(), 'people.csv.zst', zstd);
    expect(z.result.status).toBe('FAILED');
    expect(z.result.error).toBe('EncodingError');
    expect(z.result.cause).toMatch(/zstd/);
    const broken = gzipSync(rows(500)).subarray(0, 200);
    const g = await ingest(people(), 'people.csv.gz', broken);
    expect(g.result.error).toBe('EncodingError');
    expect(g.result.cause).toMatch(/gzip/);
    expect(() => compressionOf(Buffer.from('PK\x03\x04', 'latin1'))).toThrow(/zip/);
  });
});

describe('declared encodings', () => {
  it('latin1: read in place, chunk by chunk, exact rows and text', async () => {
    const text = rows(1500);
    const { result, store } = await ingest(
      people({ encoding: 'latin1' }),
      'people.csv',
      Buffer.from(text, 'latin1'),
      4096,
    );
    const s = summaryOf(result);
    expect(s.rowsRead).toBe(1500);
    expect(await store.list(BUCKETS.raw, '_decoded/')).toEqual([]);
    const back = await collect(toUtf8(stream(Buffer.from(text, 'latin1')), 'latin1'));
    expect(Buffer.concat(back).toString('utf8')).toBe(text);
  });

  it('windows-1252: € and curly quotes decode; an undefined byte is EncodingError at its offset', async () => {
    const good = Buffer.from([
      ...Buffer.from('id,name,city\n1,'),
      0x80,
      0x93,
      0x94,
      ...Buffer.from(',x\n'),
    ]);
    const out = Buffer.concat(await collect(toUtf8(stream(good), 'windows-1252'))).toString('utf8');
    expect(out).toBe('id,name,city\n1,€“”,x\n');
    expect(
      summaryOf((await ingest(people({ encoding: 'windows-1252' }), 'people.csv', good)).result)
        .rowsRead,
    ).toBe(1);
    const bad = Buffer.concat([
      Buffer.from('id,name,city\n1,a'),
      Buffer.from([0x81]),
      Buffer.from(',x\n'),
    ]);
    const r = (await ingest(people({ encoding: 'windows-1252' }), 'people.csv', bad)).result;
    expect(r.error).toBe('EncodingError');
    expect(r.cause).toMatch(/byte offset 16/);
  });

  it('utf-16 with a BOM (LE and BE) goes through the decoded copy; without a BOM utf-16 is refused', async () => {
    const text = rows(300, '\t');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1]!, be[i]!];
    for (const bytes of [le, be]) {
      const s = summaryOf(
        (
          await ingest(
            people({ encoding: 'utf-16', delimiter: '\t' }),
            'people.txt.csv',
            bytes,
            2048,
          )
        ).result,
      );
      expect(s.rowsRead).toBe(300);
      expect(s.rowsRejected).toBe(0);
    }
    expect(() => encodingOf(Buffer.from(text, 'utf16le'), 'utf-16')).toThrow(EncodingError);
  });

  it('a BOM wins over the declaration: a UTF-8 file with a BOM declared latin1 keeps its ü', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows(5))]);
    expect(encodingOf(bytes, 'latin1')).toBe('utf-8');
    expect(
      summaryOf((await ingest(people({ encoding: 'latin1' }), 'people.csv', bytes)).result)
        .rowsRejected,
    ).toBe(0);
  });

  it('undeclared latin1 bytes still fail as EncodingError with the byte offset', async () => {
    const bytes = Buffer.from('id,name,city\n1,Jos\xe9,x\n', 'latin1');
    const r = (await ingest(people(), 'people.csv', bytes)).result;
    expect(r.error).toBe('EncodingError');
    expect(r.cause).toMatch(/byte offset 18/);
  });
});

describe('delimiters', () => {
  it.each([';', '\t', '|'])(
    '%j: every row and field, across chunks, with quoted delimiters',
    async (d) => {
      const text = rows(800, d)
        .split('\n')
        .map((line, i) => (i === 5 ? `5${d}"a${d}b"${d}x` : line))
        .join('\n');
      const contract = people({ delimiter: d });
      const s = summaryOf((await ingest(contract, 'people.csv', Buffer.from(text), 2048)).result);
      expect(s.rowsRead).toBe(800);
      const fields: string[][] = [];
      for await (const b of readCsv(stream(Buffer.from(text)), {
        delimiter: d,
        quote: '"',
        header: true,
      }))
        fields.push(...b.rows);
      expect(fields.filter((f) => f.length !== 3)).toEqual([]);
      expect(fields[4]![1]).toBe(`a${d}b`);
    },
  );
});

describe('the contract declares the encoding', () => {
  it('accepts the six encodings and names the field for any other', () => {
    const base = {
      dataset: 'people',
      files: ['people*.csv'],
      columns: [{ name: 'id', type: 'int' }],
    };
    for (const encoding of ['utf-8', 'latin1', 'windows-1252', 'utf-16', 'utf-16le', 'utf-16be'])
      expect(parseContract({ ...base, csv: { encoding } }, 'people.json').csv?.encoding).toBe(
        encoding,
      );
    expect(() => parseContract({ ...base, csv: { encoding: 'ascii' } }, 'people.json')).toThrow(
      /csv\.encoding/,
    );
    expect(parseContract({ ...base, csv: { delimiter: '\t' } }, 'people.json').csv?.delimiter).toBe(
      '\t',
    );
  });
});

describe('dataset names of compressed uploads', () => {
  it('matches the name without .gz, .gzip or .zst', () => {
    const c = [people({}, ['users*.csv'])];
    for (const k of [
      'a/users_2024.csv.gz',
      'users.csv.GZ',
      'users.csv.gzip',
      'users.csv.zst',
      'users.csv',
    ])
      expect(resolveDataset(c, k).dataset).toBe('people');
    expect(() => resolveDataset(c, 'users.csv.bz2')).toThrow(/no dataset contract/);
  });
});

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const b of body) out.push(Buffer.from(b));
  return out;
}

async function* stream(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
