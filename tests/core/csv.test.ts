import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  EncodingError,
  HeaderMismatchError,
  planChunks,
  readCsv,
} from '../../src/core/csv/index.js';
import type { ReadCsvOptions } from '../../src/core/csv/index.js';
import { piecesOf } from './helpers.js';

const opts: ReadCsvOptions = { delimiter: ',', quote: '"', header: false };

async function rows(body: AsyncIterable<Uint8Array>, o: Partial<ReadCsvOptions> = {}) {
  const out: { n: number; fields: string[] }[] = [];
  for await (const b of readCsv(body, { ...opts, ...o }))
    b.rows.forEach((fields, i) => out.push({ n: b.firstRowNumber + i, fields }));
  return out;
}

describe('readCsv', () => {
  const tricky = 'a,"b,1","say ""hi"""\r\n"multi\r\nline",x,\r\n\r\nlast,"",z';
  it.each([1, 2, 3, 7, 1024])(
    'reads RFC 4180 records the same whatever the piece size (%i)',
    async (size) => {
      const got = await rows(piecesOf(tricky, size), { blockChars: 4 });
      expect(got).toEqual([
        { n: 1, fields: ['a', 'b,1', 'say "hi"'] },
        { n: 2, fields: ['multi\r\nline', 'x', ''] },
        { n: 3, fields: ['last', '', 'z'] },
      ]);
    },
  );

  it('strips a UTF-8 BOM and checks the header', async () => {
    const got = await rows(piecesOf('\uFEFFid,name\n1,Zoë\n', 3), {
      header: true,
      expectedHeader: ['id', 'name'],
    });
    expect(got).toEqual([{ n: 1, fields: ['1', 'Zoë'] }]);
  });

  it('numbers rows from firstRowNumber', async () => {
    const got = await rows(piecesOf('x\ny\n'), { firstRowNumber: 41 });
    expect(got.map((r) => r.n)).toEqual([41, 42]);
  });

  it('uses the configured delimiter and quote', async () => {
    const got = await rows(piecesOf("1;'a;b';'it''s'\n"), { delimiter: ';', quote: "'" });
    expect(got[0]!.fields).toEqual(['1', 'a;b', "it's"]);
  });

  it('raises HeaderMismatchError naming expected and found', async () => {
    await expect(
      rows(piecesOf('id,mail\n1,x\n'), { header: true, expectedHeader: ['id', 'email'] }),
    ).rejects.toThrow(/expected \[id, email\], found \[id, mail\]/);
    await expect(
      rows(piecesOf('id\n'), { header: true, expectedHeader: ['id', 'email'] }),
    ).rejects.toBeInstanceOf(HeaderMismatchError);
  });

  it.each<[string, number[], number]>([
    ['bad continuation', [0x61, 0x2c, 0xc3, 0x28, 0x0a], 2],
    ['lone continuation', [0x61, 0x62, 0x80], 2],
    ['truncated at end', [0x61, 0x0a, 0xe2, 0x82], 2],
    ['overlong', [0x61, 0xc0, 0xaf], 1],
  ])('raises EncodingError with the byte offset (%s)', async (_name, bytes, offset) => {
    for (const size of [1, 2, 64]) {
      const error = await rows(piecesOf(new Uint8Array(bytes), size)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EncodingError);
      expect((error as Error).message).toBe(`invalid UTF-8 at byte offset ${offset}`);
    }
  });
});

describe('planChunks', () => {
  const text =
    ['h1,h2', '1,"a\nb"', '2,"c,""d""\n\ne"', '', '3,x', '4,"\n"', '5,y'].join('\n') + '\n';
  const bytes = new TextEncoder().encode(text);

  it.each([1, 5, 8, 13, 1000])(
    'cuts only at record boundaries (target %i bytes)',
    async (target) => {
      for (const size of [1, 3, 4096]) {
        const plan = await planChunks(piecesOf(bytes, size), { targetBytes: target, header: true });
        expect(plan.rows).toBe(5);
        expect(plan.bytes).toBe(bytes.length);
        // Chunks tile the file, and re-reading each chunk gives the whole file's records and numbers.
        let expectedStart = 0;
        const all: { n: number; fields: string[] }[] = [];
        for (const c of plan.chunks) {
          expect(c.start).toBe(expectedStart);
          expectedStart = c.end;
          all.push(
            ...(await rows(piecesOf(bytes.subarray(c.start, c.end)), {
              header: c.index === 0,
              firstRowNumber: c.firstRowNumber,
            })),
          );
        }
        expect(expectedStart).toBe(bytes.length);
        expect(all).toEqual(await rows(piecesOf(bytes), { header: true }));
        expect(all.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
      }
    },
  );

  it('keeps a small file in one chunk', async () => {
    const plan = await planChunks(piecesOf(bytes), { targetBytes: 1 << 20, header: true });
    expect(plan.chunks).toEqual([{ index: 0, start: 0, end: bytes.length, firstRowNumber: 1 }]);
  });

  it('plans an empty file as one empty chunk', async () => {
    const plan = await planChunks(piecesOf(new Uint8Array(0)), { targetBytes: 10, header: false });
    expect(plan).toEqual({
      chunks: [{ index: 0, start: 0, end: 0, firstRowNumber: 1 }],
      rows: 0,
      bytes: 0,
    });
  });

  it('counts a last record without a line feed, and not blank lines or a BOM', async () => {
    const plan = await planChunks(piecesOf('\uFEFFa,b\n\r\n""\nc,d'), {
      targetBytes: 100,
      header: false,
    });
    expect(plan.rows).toBe(2);
  });

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))(
    'agrees with readCsv on random quoted files (seed %i)',
    async (seed) => {
      let a = seed * 7919;
      const rnd = (k: number) => {
        a = (a * 1103515245 + 12345) % 2147483648;
        return Math.floor(a / 65536) % k;
      };
      const bits = ['x', 'yy', ',', '"', '""', '\n', '\r\n', ' ', 'é'];
      const field = () =>
        rnd(3) === 0
          ? `"${Array.from({ length: rnd(4) }, () => bits[rnd(bits.length)])
              .join('')
              .replace(/"/g, '""')}"`
          : 'v'.repeat(rnd(3));
      const lines: string[] = [];
      for (let r = 0; r < 60; r++)
        lines.push(rnd(10) === 0 ? '' : Array.from({ length: 1 + rnd(3) }, field).join(','));
      const newline = rnd(2) ? '\n' : '\r\n';
      const text = lines.join(newline);
      const bytes = new TextEncoder().encode(text);
      const whole = await rows(piecesOf(bytes, 3), { blockChars: 16 });
      // Oracle: papaparse over the whole text at once, blank records dropped, numbered in order.
      const oracle = Papa.parse<string[]>(text, {
        delimiter: ',',
        quoteChar: '"',
        newline,
      }).data.filter((r) => !(r.length === 1 && r[0] === ''));
      expect(whole).toEqual(oracle.map((fields, i) => ({ n: i + 1, fields })));
      for (const target of [1, 17, 100]) {
        const plan = await planChunks(piecesOf(bytes, 1 + rnd(9)), {
          targetBytes: target,
          header: false,
        });
        expect(plan.rows).toBe(whole.length);
        const parts: { n: number; fields: string[] }[] = [];
        for (const c of plan.chunks) {
          parts.push(
            ...(await rows(piecesOf(bytes.subarray(c.start, c.end), 5), {
              firstRowNumber: c.firstRowNumber,
              blockChars: 8,
            })),
          );
        }
        expect(parts).toEqual(whole);
      }
    },
  );
});
