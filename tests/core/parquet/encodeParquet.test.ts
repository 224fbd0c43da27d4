import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decimalByteLength,
  encodeParquet,
  ParquetSchemaError,
  ParquetValueError,
  schemaElement,
} from '../../../src/core/parquet/index.js';
import type { ColumnValues, ParquetField } from '../../../src/core/parquet/index.js';
import { readWithDuckDb } from './duckdbRead.js';

const dir = mkdtempSync(join(tmpdir(), 'parquet-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

/** Encodes, writes to the temp dir and reads back with DuckDB. */
async function roundTrip(
  fields: ParquetField[],
  columns: Record<string, ColumnValues>,
  rowGroupSize?: number,
) {
  const bytes = encodeParquet(fields, columns, rowGroupSize ? { rowGroupSize } : undefined);
  const path = join(dir, `f${fileNo++}.parquet`);
  writeFileSync(path, bytes);
  return { bytes, ...(await readWithDuckDb(path)) };
}

const DAY = 86_400_000;

describe('encodeParquet through DuckDB', () => {
  it.each([
    [
      'string',
      'VARCHAR',
      ['a', 'héllo wörld ✓ 🦆', '', null, '日本語'],
      ['a', 'héllo wörld ✓ 🦆', '', null, '日本語'],
    ],
    [
      'int',
      'INTEGER',
      [0, -1, 2147483647, -2147483648, null],
      [0, -1, 2147483647, -2147483648, null],
    ],
    [
      'bigint',
      'BIGINT',
      [0n, -9007199254740993n, 9223372036854775807n, -9223372036854775808n, null],
      ['0', '-9007199254740993', '9223372036854775807', '-9223372036854775808', null],
    ],
    ['double', 'DOUBLE', [0, -1.5, 1e300, 0.1, null], [0, -1.5, 1e300, 0.1, null]],
    ['boolean', 'BOOLEAN', [true, false, null, true, false], [true, false, null, true, false]],
    [
      'date',
      'DATE',
      [0, -1, -719162, 2932896, null],
      ['1970-01-01', '1969-12-31', '0001-01-01', '9999-12-31', null],
    ],
    [
      'timestamp',
      'TIMESTAMP WITH TIME ZONE',
      [
        0,
        -DAY - 1,
        Date.UTC(2024, 1, 29, 13, 45, 1, 234),
        Date.UTC(9999, 11, 31, 23, 59, 59, 999),
        null,
      ],
      [
        '1970-01-01 00:00:00+00',
        '1969-12-30 23:59:59.999+00',
        '2024-02-29 13:45:01.234+00',
        '9999-12-31 23:59:59.999+00',
        null,
      ],
    ],
    [
      'decimal(9,2)',
      'DECIMAL(9,2)',
      [-12345n, 0n, 999999999n, -999999999n, null],
      ['-123.45', '0.00', '9999999.99', '-9999999.99', null],
    ],
    [
      'decimal(18,4)',
      'DECIMAL(18,4)',
      [-1n, 123456789012345678n, -(10n ** 18n - 1n), 5n, null],
      ['-0.0001', '12345678901234.5678', '-99999999999999.9999', '0.0005', null],
    ],
    [
      'decimal(38,10)',
      'DECIMAL(38,10)',
      [10n ** 38n - 1n, -(10n ** 38n - 1n), -1n, 12345678901234567890n, null],
      [
        '9999999999999999999999999999.9999999999',
        '-9999999999999999999999999999.9999999999',
        '-0.0000000001',
        '1234567890.1234567890',
        null,
      ],
    ],
    [
      'decimal(20,0)',
      'DECIMAL(20,0)',
      [-(10n ** 19n), 1n, null, 0n, 99999999999999999999n],
      ['-10000000000000000000', '1', null, '0', '99999999999999999999'],
    ],
  ] as const)('%s reads back as %s with exact values', async (type, duckType, values, expected) => {
    const { types, rows } = await roundTrip([{ name: 'v', type, nullable: true }], {
      v: [...values],
    });
    expect(types).toEqual({ v: duckType });
    expect(rows.map((r) => r.v)).toEqual(expected);
  });

  it('writes non-nullable columns as REQUIRED and nullable ones as OPTIONAL', async () => {
    const fields: ParquetField[] = [
      { name: 'id', type: 'bigint', nullable: false },
      { name: 'name', type: 'string', nullable: true },
    ];
    const { bytes, rows } = await roundTrip(fields, { id: [1n, 2n], name: [null, 'x'] });
    const meta = parquetMetadata(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    const repetition = Object.fromEntries(
      meta.schema.slice(1).map((e) => [e.name, e.repetition_type]),
    );
    expect(repetition).toEqual({ id: 'REQUIRED', name: 'OPTIONAL' });
    expect(rows).toEqual([
      { id: '1', name: null },
      { id: '2', name: 'x' },
    ]);
  });

  it('writes the timestamp as INT64 millis adjusted to UTC and compresses with GZIP', () => {
    const bytes = encodeParquet([{ name: 't', type: 'timestamp', nullable: true }], {
      t: [1, null, 2n],
    });
    const meta = parquetMetadata(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    expect(meta.schema[1]).toMatchObject({
      type: 'INT64',
      logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
    });
    expect(meta.row_groups[0]?.columns[0]?.meta_data?.codec).toBe('GZIP');
  });

  it('writes a file with zero rows that keeps its schema', async () => {
    const fields: ParquetField[] = [
      { name: 'id', type: 'bigint', nullable: false },
      { name: 'at', type: 'timestamp', nullable: true },
      { name: 'amount', type: 'decimal(12,2)', nullable: true },
    ];
    const { types, rows } = await roundTrip(fields, { id: [], at: [], amount: [] });
    expect(types).toEqual({
      id: 'BIGINT',
      at: 'TIMESTAMP WITH TIME ZONE',
      amount: 'DECIMAL(12,2)',
    });
    expect(rows).toEqual([]);
  });

  it('splits rows into row groups of the requested size and keeps their order', async () => {
    const n = 2_500;
    const ids = Array.from({ length: n }, (_, i) => BigInt(i * 7 - 100));
    const names = Array.from({ length: n }, (_, i) => (i % 10 === 0 ? null : `name-${i}`));
    const fields: ParquetField[] = [
      { name: 'id', type: 'bigint', nullable: false },
      { name: 'name', type: 'string', nullable: true },
    ];
    const { rows, rowGroups } = await roundTrip(fields, { id: ids, name: names }, 1_000);
    expect(rowGroups).toBe(3);
    expect(rows.map((r) => r.id)).toEqual(ids.map(String));
    expect(rows.map((r) => r.name)).toEqual(names);
  });
});

describe('encodeParquet with typed arrays', () => {
  const fields: ParquetField[] = [
    { name: 'id', type: 'bigint', nullable: false },
    { name: 'at', type: 'timestamp', nullable: true },
    { name: 'n', type: 'int', nullable: true },
    { name: 'day', type: 'date', nullable: false },
    { name: 'x', type: 'double', nullable: false },
  ];
  const n = 3_000;
  const ids = Array.from({ length: n }, (_, i) => BigInt(i) * 3_000_000_007n - 2n ** 62n);
  const ats = Array.from({ length: n }, (_, i) => BigInt(Date.UTC(2024, 2, 1) + i * 61_001));
  const ns = Array.from({ length: n }, (_, i) => (i === 7 ? 2 ** 31 - 1 : (i % 13) - 6));
  const days = Array.from({ length: n }, (_, i) => 19_000 + (i % 40));
  const xs = Array.from({ length: n }, (_, i) => i / 7 - 100);
  const arrays = { id: ids, at: ats, n: ns, day: days, x: xs };
  const typed = {
    id: BigInt64Array.from(ids),
    at: BigInt64Array.from(ats),
    n: Int32Array.from(ns),
    day: Int32Array.from(days),
    x: Float64Array.from(xs),
  };

  it('writes the same bytes as the equivalent arrays, with dictionary and plain pages', () => {
    const options = { rowGroupSize: 1_000, plainColumns: ['id'] };
    const fromArrays = encodeParquet(fields, arrays, options);
    expect(Buffer.from(encodeParquet(fields, typed, options)).equals(Buffer.from(fromArrays))).toBe(
      true,
    );
  });

  it('reads back in DuckDB with exact values', async () => {
    const { types, rows } = await roundTrip(fields, typed);
    expect(types).toEqual({
      id: 'BIGINT',
      at: 'TIMESTAMP WITH TIME ZONE',
      n: 'INTEGER',
      day: 'DATE',
      x: 'DOUBLE',
    });
    expect(rows).toHaveLength(n);
    expect(rows[n - 1]).toEqual({
      id: String(ids[n - 1]),
      at: '2024-03-03 02:49:01.999+00',
      n: ns[n - 1],
      day: '2022-02-16',
      x: xs[n - 1],
    });
    expect(rows.map((r) => r.id)).toEqual(ids.map(String));
    expect(rows.map((r) => r.n)).toEqual(ns);
  });

  it.each([
    ['int', new Float64Array(1)],
    ['date', new BigInt64Array(1)],
    ['bigint', new Int32Array(1)],
    ['timestamp', new Float64Array(1)],
    ['double', new Int32Array(1)],
    ['string', new Int32Array(1)],
    ['decimal(9,2)', new Int32Array(1)],
    ['int', new Uint32Array(1)],
  ] as const)('rejects a %s column given a %o', (type, values) => {
    const run = () =>
      encodeParquet([{ name: 'v', type, nullable: true }], {
        v: values as unknown as Int32Array,
      });
    expect(run).toThrow(ParquetValueError);
    expect(run).toThrow(/column v .* takes/);
  });

  it('checks a typed column against the others for length', () => {
    const two: ParquetField[] = [fields[0]!, fields[2]!];
    expect(() => encodeParquet(two, { id: new BigInt64Array(2), n: [1] })).toThrow(
      /has 1 values, expected 2/,
    );
  });
});

describe('encodeParquet input checks', () => {
  it.each([
    ['int', 1.5],
    ['int', 2 ** 31],
    ['int', '1'],
    ['bigint', 1],
    ['timestamp', new Date(0)],
    ['timestamp', 2n ** 63n],
    ['date', 0.5],
    ['string', 1],
    ['boolean', 1],
    ['decimal(4,2)', 10000n],
    ['decimal(4,2)', -10000n],
    ['decimal(4,2)', 1.5],
  ] as const)('rejects a %s column given %s', (type, value) => {
    expect(() => encodeParquet([{ name: 'v', type, nullable: true }], { v: [value] })).toThrow(
      ParquetValueError,
    );
  });

  it('rejects null in a non-nullable column with the row number', () => {
    const run = () =>
      encodeParquet([{ name: 'v', type: 'int', nullable: false }], { v: [1, null] });
    expect(run).toThrow(ParquetValueError);
    expect(run).toThrow(/non-nullable column v/);
  });

  it('rejects a missing column and columns of different lengths', () => {
    const fields: ParquetField[] = [
      { name: 'a', type: 'int', nullable: true },
      { name: 'b', type: 'int', nullable: true },
    ];
    expect(() => encodeParquet(fields, { a: [1] })).toThrow(/column b is missing/);
    expect(() => encodeParquet(fields, { a: [1], b: [1, 2] })).toThrow(/has 2 values, expected 1/);
  });

  it('rejects decimal precision above 38', () => {
    expect(() => schemaElement({ name: 'v', type: 'decimal(39,2)', nullable: true })).toThrow(
      ParquetSchemaError,
    );
  });

  it.each([
    [1, 1],
    [2, 1],
    [3, 2],
    [9, 4],
    [18, 8],
    [19, 9],
    [38, 16],
  ])('decimal(%i,s) needs %i bytes', (precision, bytes) => {
    expect(decimalByteLength(precision)).toBe(bytes);
  });
});
