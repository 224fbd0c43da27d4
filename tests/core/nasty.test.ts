import { describe, expect, it } from 'vitest';
import { transform } from '../../src/core/transform/index.js';
import { MemorySink } from '../../src/core/sinks/index.js';
import { EncodingError, HeaderMismatchError } from '../../src/core/csv/index.js';
import { piecesOf, readRows, tinyContract } from './helpers.js';

const HEADER = 'id,note,at\n';
const big = 'x'.repeat(1 << 20);

async function run(body: Uint8Array | string, pieceSize = 1000) {
  const sink = new MemorySink();
  const summary = await transform({
    contract: tinyContract(),
    source: { key: 'tiny.csv', version: 'v1', sourceId: 's' },
    body: piecesOf(body, pieceSize),
    sink,
    executionId: 'e',
    ingestedAt: new Date('2025-01-01T00:00:00Z'),
  });
  return { summary, sink };
}

describe('nasty files', () => {
  it.each<[string, string | Uint8Array, number, number]>([
    ['empty (0 bytes)', '', 0, 0],
    ['header only', HEADER, 0, 0],
    ['header only, no final newline', HEADER.trim(), 0, 0],
    ['BOM', `\uFEFF${HEADER}1,a,2021-01-01T00:00:00Z\n`, 1, 0],
    [
      'CRLF',
      `${HEADER.replace('\n', '\r\n')}1,a,2021-01-01T00:00:00Z\r\n2,b,2021-01-01T01:00:00Z\r\n`,
      2,
      0,
    ],
    [
      'quoted newlines',
      `${HEADER}1,"two\nlines",2021-01-01T00:00:00Z\n2,"a ""q"", b",2021-01-01T00:00:00Z\n`,
      2,
      0,
    ],
    [
      'wrong column counts',
      `${HEADER}1,a\n2,b,2021-01-01T00:00:00Z,extra\n3,c,2021-01-01T00:00:00Z\n`,
      1,
      2,
    ],
    [
      'a 1 MB field',
      `${HEADER}1,"${big}",2021-01-01T00:00:00Z\n2,${big},2021-01-01T00:00:00Z\n`,
      2,
      0,
    ],
    ['no final newline', `${HEADER}1,a,2021-01-01T00:00:00Z`, 1, 0],
    ['blank lines', `${HEADER}\n1,a,2021-01-01T00:00:00Z\n\n\n2,b,2021-01-01T00:00:00Z\n\n`, 2, 0],
    [
      'unclosed quote at end',
      `${HEADER}1,a,2021-01-01T00:00:00Z\n2,"open,2021-01-01T00:00:00Z\n`,
      1,
      1,
    ],
  ])('%s: no crash, no silent loss', async (_name, body, curated, rejected) => {
    for (const size of [1000, 7]) {
      if (size === 7 && typeof body === 'string' && body.length > 10_000) continue;
      const { summary, sink } = await run(body, size);
      expect(summary.rowsCurated).toBe(curated);
      expect(summary.rowsRejected).toBe(rejected);
      expect(summary.rowsRead).toBe(curated + rejected);
      expect(await readRows(sink, 'tiny/')).toHaveLength(curated);
      expect(await readRows(sink, 'tiny_rejected/')).toHaveLength(rejected);
      if (curated + rejected === 0) expect(sink.keys()).toEqual([]);
    }
  });

  it('keeps the 1 MB field intact', async () => {
    const { sink } = await run(`${HEADER}1,"${big}",2021-01-01T00:00:00Z\n`);
    const [row] = await readRows(sink, 'tiny/');
    expect((row!.note as string).length).toBe(1 << 20);
  });

  it('keeps every raw field of a column-count reject', async () => {
    const { sink } = await run(`${HEADER}2,b,2021-01-01T00:00:00Z,extra\n`);
    const [row] = await readRows(sink, 'tiny_rejected/');
    expect(JSON.parse(row!._raw_record as string)).toEqual([
      '2',
      'b',
      '2021-01-01T00:00:00Z',
      'extra',
    ]);
    expect(row!._error_codes).toBe('column_count');
    expect(row!.at).toBe('2021-01-01T00:00:00Z');
  });

  it('raises EncodingError (terminal) for invalid UTF-8', async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode(`${HEADER}1,`),
      0xff,
      ...new TextEncoder().encode(',2021-01-01T00:00:00Z\n'),
    ]);
    const error = await run(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EncodingError);
    expect((error as Error).name).toBe('EncodingError');
    expect((error as Error).message).toContain(`byte offset ${HEADER.length + 2}`);
  });

  it('raises HeaderMismatchError for a wrong header', async () => {
    const error = await run('id,text,at\n1,a,2021-01-01T00:00:00Z\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeaderMismatchError);
    expect((error as Error).message).toContain('expected [id, note, at], found [id, text, at]');
  });
});
