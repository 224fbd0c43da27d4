import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer';
import { parquetMetadata } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { CREATED_BY, gzipFast } from '../../../src/core/parquet/encodeParquet.js';
import {
  encodeTypedColumns,
  parquetSchema,
  ParquetValueError,
} from '../../../src/core/parquet/index.js';
import type { ParquetField, TypedColumn } from '../../../src/core/parquet/index.js';
import { readWithDuckDb } from './duckdbRead.js';
import { createRng as rng } from '../../../bench/lib/rng.js';

// encodeTypedColumns walks typed memory instead of handing hyparquet-writer arrays of values; the
// oracle is hyparquet-writer itself: given the same values as arrays and the same encodings, it
// must write the very same bytes.

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A random column of `kind` and the array of values hyparquet-writer takes for it. */
function column(
  kind: TypedColumn['kind'],
  rows: number,
  nullShare: number,
  rnd: () => number,
  valueBytes = 12,
  codes = 0, // numbers: drawn from this many distinct values (0: all distinct)
): { typed: TypedColumn; values: unknown[] } {
  const nulls = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) nulls[i] = rnd() < nullShare ? 1 : 0;
  const values: unknown[] = [];
  const withNulls = nullShare > 0 ? { nulls } : {};
  switch (kind) {
    case 'int32': {
      const v = new Int32Array(rows);
      for (let i = 0; i < rows; i++) v[i] = Math.floor((rnd() - 0.5) * 2 ** 32);
      if (rows > 2) [v[0], v[1]] = [0, -2147483648];
      if (codes) for (let i = 0; i < rows; i++) v[i] = (Math.floor(rnd() * codes) - 3) * 999_983;
      for (let i = 0; i < rows; i++) values.push(nulls[i] && nullShare ? null : v[i]);
      return { typed: { kind, values: v, ...withNulls }, values };
    }
    case 'int64': {
      const v = new BigInt64Array(rows);
      for (let i = 0; i < rows; i++)
        v[i] = BigInt.asIntN(
          64,
          BigInt(Math.floor(rnd() * 2 ** 53)) * BigInt(Math.floor(rnd() * 4096) - 2048),
        );
      if (rows > 3) [v[0], v[1], v[2]] = [0n, -(2n ** 63n), 2n ** 63n - 1n];
      if (codes)
        for (let i = 0; i < rows; i++)
          v[i] = BigInt(Math.floor(rnd() * codes) - 3) * 2n ** 40n + 7n;
      for (let i = 0; i < rows; i++) values.push(nulls[i] && nullShare ? null : v[i]);
      return { typed: { kind, values: v, ...withNulls }, values };
    }
    case 'double': {
      const v = new Float64Array(rows);
      for (let i = 0; i < rows; i++) v[i] = (rnd() - 0.5) * 1e6;
      if (rows > 4) [v[0], v[1], v[2], v[3]] = [-0, NaN, 0, Infinity];
      if (rows === 1) v[0] = 0; // min and max both zero: the writer's -0 / +0 rule
      for (let i = 0; i < rows; i++) values.push(nulls[i] && nullShare ? null : v[i]);
      return { typed: { kind, values: v, ...withNulls }, values };
    }
    case 'dictionary': {
      const words = Array.from({ length: 1 + Math.floor(rnd() * 300) }, (_, i) => `wörd ${i} ✓`);
      const ids = new Int32Array(rows);
      const seen = new Map<number, number>();
      const entries: Uint8Array[] = [];
      for (let i = 0; i < rows; i++) {
        if (nullShare && nulls[i]) {
          values.push(null);
          continue;
        }
        const w = Math.floor(rnd() * words.length);
        if (!seen.has(w)) {
          seen.set(w, entries.length);
          entries.push(encoder.encode(words[w]));
        }
        ids[i] = seen.get(w)!;
        values.push(words[w]);
      }
      return { typed: { kind, ids, entries, ...withNulls }, values };
    }
    case 'bytes': {
      const parts: Uint8Array[] = [];
      const ends = new Int32Array(rows);
      let at = 0;
      for (let i = 0; i < rows; i++) {
        if (nullShare && nulls[i]) {
          ends[i] = at;
          values.push(null);
          continue;
        }
        const text = `é${'x'.repeat(Math.floor(rnd() * valueBytes))}${i}`;
        const b = encoder.encode(text);
        parts.push(b);
        at += b.length;
        ends[i] = at;
        values.push(b);
      }
      const data = new Uint8Array(at);
      let k = 0;
      for (const p of parts) {
        data.set(p, k);
        k += p.length;
      }
      return { typed: { kind, data, ends, ...withNulls }, values };
    }
  }
}

const FIELD_TYPE: Record<TypedColumn['kind'], ParquetField['type']> = {
  int32: 'int',
  int64: 'bigint',
  double: 'double',
  dictionary: 'string',
  bytes: 'string',
};

/** What hyparquet-writer writes for the same columns with the same encodings. */
/** Each column's encoding in `file` (the same in every row group, or the test is wrong). */
function encodingsOf(file: Uint8Array): ('RLE_DICTIONARY' | 'PLAIN')[] {
  const meta = parquetMetadata(
    file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer,
  );
  const per = meta.row_groups.map((g) =>
    g.columns.map((c) =>
      c.meta_data!.encodings.includes('RLE_DICTIONARY') ? 'RLE_DICTIONARY' : 'PLAIN',
    ),
  );
  for (const g of per) expect(g).toEqual(per[0]);
  return (per[0] ?? []) as ('RLE_DICTIONARY' | 'PLAIN')[];
}

function oracle(
  fields: ParquetField[],
  cols: { typed: TypedColumn; values: unknown[] }[],
  rowGroupSize: number,
  encodings: ('RLE_DICTIONARY' | 'PLAIN')[],
) {
  const columnData: ColumnSource[] = fields.map((f, j) => ({
    name: f.name,
    data: cols[j]!.values as ColumnSource['data'],
    nullable: f.nullable,
    statistics: f.type !== 'string',
    encoding: encodings[j]!,
  }));
  return new Uint8Array(
    parquetWriteBuffer({
      columnData,
      schema: parquetSchema(fields),
      codec: 'GZIP',
      compressors: { GZIP: gzipFast },
      rowGroupSize,
      createdBy: CREATED_BY,
    }),
  );
}

const dir = mkdtempSync(join(tmpdir(), 'typed-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('encodeTypedColumns', () => {
  const kinds: TypedColumn['kind'][] = ['int32', 'int64', 'double', 'dictionary', 'bytes'];

  it.each([
    ['no nulls', 0, 1000, 131_072],
    ['some nulls', 0.2, 1000, 131_072],
    ['all nulls', 1, 50, 131_072],
    ['several row groups', 0.1, 2500, 1000],
    ['one row', 0, 1, 131_072],
  ])('writes what hyparquet-writer writes: %s', (_name, nullShare, rows, rowGroupSize) => {
    const rnd = rng(rows + Math.round(nullShare * 100));
    // The kinds, then ints and longs of ten distinct values (codes, timestamps of few seconds).
    const cols = [
      ...kinds.map((k) => column(k, rows, nullShare, rnd)),
      column('int32', rows, nullShare, rnd, 0, 10),
      column('int64', rows, nullShare, rnd, 0, 10),
    ];
    const fields: ParquetField[] = [...kinds, 'int32', 'int64'].map((k, j) => ({
      name: `c${j}_${k}`,
      type: FIELD_TYPE[k as TypedColumn['kind']],
      nullable: nullShare > 0 || j % 2 === 0, // required columns too, when nothing is null
    }));
    const ours = encodeTypedColumns(
      fields,
      cols.map((c) => c.typed),
      rows,
      rowGroupSize,
    );
    const encodings = encodingsOf(ours);
    const expected = rows >= 100 && nullShare < 1 ? 'RLE_DICTIONARY' : 'PLAIN';
    expect(encodings).toEqual([
      ...['PLAIN', 'PLAIN', 'PLAIN', rows > 0 ? 'RLE_DICTIONARY' : 'PLAIN', 'PLAIN'],
      expected,
      expected,
    ]);
    expect(
      Buffer.from(ours).equals(Buffer.from(oracle(fields, cols, rowGroupSize, encodings))),
    ).toBe(true);
  });

  it('cuts pages where hyparquet-writer cuts them (1 MiB estimates) and writes their offset index', () => {
    const rnd = rng(7);
    const rows = 3000;
    const cols = [column('bytes', rows, 0.1, rnd, 1400), column('int64', rows, 0, rnd)];
    const fields: ParquetField[] = [
      { name: 'text', type: 'string', nullable: true },
      { name: 'ts', type: 'timestamp', nullable: false },
    ];
    const ours = encodeTypedColumns(
      fields,
      cols.map((c) => c.typed),
      rows,
      2000,
    );
    expect(
      Buffer.from(ours).equals(Buffer.from(oracle(fields, cols, 2000, encodingsOf(ours)))),
    ).toBe(true);
  });

  it('is read back by DuckDB with every value', async () => {
    const rnd = rng(11);
    const rows = 500;
    const cols = kinds.map((k) => column(k, rows, 0.1, rnd));
    const fields = kinds.map((k, j): ParquetField => ({
      name: `c${j}`,
      type: FIELD_TYPE[k],
      nullable: true,
    }));
    const path = join(dir, 'typed.parquet');
    writeFileSync(
      path,
      encodeTypedColumns(
        fields,
        cols.map((c) => c.typed),
        rows,
      ),
    );
    const { rows: read } = await readWithDuckDb(path);
    expect(read).toHaveLength(rows);
    const asText = (v: unknown) => (v instanceof Uint8Array ? decoder.decode(v) : v);
    expect(read.map((r) => r['c4'])).toEqual(cols[4]!.values.map(asText));
    expect(read.map((r) => r['c3'])).toEqual(cols[3]!.values);
  });

  it('refuses a column of the wrong kind', () => {
    expect(() =>
      encodeTypedColumns(
        [{ name: 'n', type: 'int', nullable: false }],
        [{ kind: 'int64', values: new BigInt64Array(1) }],
        1,
      ),
    ).toThrow(ParquetValueError);
    const nulls = Uint8Array.of(0, 1);
    expect(() =>
      encodeTypedColumns(
        [{ name: 'n', type: 'int', nullable: false }],
        [{ kind: 'int32', values: new Int32Array(2), nulls }],
        2,
      ),
    ).toThrow('null in non-nullable column n');
    expect(() => encodeTypedColumns([{ name: 'n', type: 'int', nullable: false }], [], 0)).toThrow(
      '0 columns for 1 fields',
    );
  });
});
