/* eslint-disable @typescript-eslint/no-explicit-any -- the candidates live outside the repo, untyped */
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_ROW_GROUP_SIZE, encodeParquet } from '../../src/core/parquet/index.js';
import { TYPED_FIELDS } from './typedData.js';
import type { TypedData } from './typedData.js';

/** Writes the typed data to `path` with one library; `modules` is the scratch node_modules dir. */
export type Candidate = (data: TypedData, path: string, modules: string) => Promise<void>;

const col = (d: TypedData, n: string): unknown[] => d.columns[n] as unknown[];

/** Big-endian two's complement of `v` in `len` bytes (Parquet's DECIMAL byte layout). */
function decimalBytes(v: bigint, len: number): Buffer {
  const out = Buffer.alloc(len);
  let x = BigInt.asUintN(len * 8, v);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** parquetjs-lite and @dsnp/parquetjs share the row-at-a-time API. */
async function rowWriter(lib: any, data: TypedData, path: string, dsnp: boolean): Promise<void> {
  const spec: Record<string, any> = {
    id: { type: 'INT64' },
    name: { type: 'UTF8', optional: true },
    email: { type: 'UTF8', optional: true },
    hired_at: { type: 'TIMESTAMP_MILLIS', optional: true },
    updated_at: { type: 'TIMESTAMP_MILLIS', optional: true },
    department_id: { type: 'INT32', optional: true },
    job_id: { type: 'INT32', optional: true },
    salary: { type: 'DOUBLE', optional: true },
    active: { type: 'BOOLEAN', optional: true },
    birth_date: { type: 'DATE', optional: true },
    // parquetjs-lite has no DECIMAL: it writes the unscaled values as plain integers/bytes.
    bonus: dsnp
      ? { type: 'DECIMAL', precision: 12, scale: 2, optional: true }
      : { type: 'INT64', optional: true },
    balance: dsnp
      ? { type: 'DECIMAL', precision: 38, scale: 10, optional: true }
      : { type: 'BYTE_ARRAY', optional: true },
  };
  for (const f of Object.values(spec)) f.compression = 'SNAPPY';
  const schema = new lib.ParquetSchema(spec);
  const writer = await lib.ParquetWriter.openFile(schema, path);
  writer.setRowGroupSize(DEFAULT_ROW_GROUP_SIZE);
  const names = TYPED_FIELDS.map((f) => f.name);
  for (let i = 0; i < data.rows; i++) {
    const row: Record<string, unknown> = {};
    for (const n of names) {
      let v = col(data, n)[i];
      if (v === null) continue;
      if (n === 'balance') v = decimalBytes(v as bigint, 16);
      // @dsnp/parquetjs takes an INT64 decimal as a JS number and scales it itself.
      else if (dsnp && n === 'bonus') v = Number(v) / 100;
      else if (!dsnp && typeof v === 'bigint') v = Number(v);
      row[n] = v;
    }
    await writer.appendRow(row);
  }
  await writer.close();
}

/** Arrow vectors built straight from typed arrays, then parquet-wasm writes the table. */
async function arrowWasm(data: TypedData, path: string, modules: string): Promise<void> {
  const arrow: any = createRequire(join(modules, 'x.js'))('apache-arrow');
  const pq: any = await import(
    pathToFileURL(join(modules, 'parquet-wasm/node/parquet_wasm.js')).href
  );
  const n = data.rows;
  const nullMask = (values: unknown[]): { nullBitmap: Uint8Array; nullCount: number } => {
    const nullBitmap = new Uint8Array(Math.ceil(n / 8));
    let nullCount = 0;
    for (let i = 0; i < n; i++) {
      if (values[i] === null) nullCount++;
      else nullBitmap[i >> 3]! |= 1 << (i & 7);
    }
    return { nullBitmap, nullCount };
  };
  const int64 = (type: any, values: unknown[], toBig: (v: any) => bigint) => {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = values[i] === null ? 0n : toBig(values[i]);
    return arrow.makeVector(arrow.makeData({ type, length: n, data: out, ...nullMask(values) }));
  };
  const typed = (type: any, Ctor: any, values: unknown[]) => {
    const out = new Ctor(n);
    for (let i = 0; i < n; i++) out[i] = values[i] ?? 0;
    return arrow.makeVector(arrow.makeData({ type, length: n, data: out, ...nullMask(values) }));
  };
  const decimal = (scale: number, precision: number, values: unknown[]) => {
    const words = new Uint32Array(n * 4);
    for (let i = 0; i < n; i++) {
      let x = BigInt.asUintN(128, (values[i] as bigint | null) ?? 0n);
      for (let w = 0; w < 4; w++) {
        words[i * 4 + w] = Number(x & 0xffffffffn);
        x >>= 32n;
      }
    }
    const type = new arrow.Decimal(scale, precision, 128);
    return arrow.makeVector(arrow.makeData({ type, length: n, data: words, ...nullMask(values) }));
  };
  const ts = new arrow.Timestamp(arrow.TimeUnit.MILLISECOND, 'UTC');
  const table = new arrow.Table({
    id: int64(new arrow.Int64(), col(data, 'id'), (v) => v),
    name: arrow.vectorFromArray(col(data, 'name'), new arrow.Utf8()),
    email: arrow.vectorFromArray(col(data, 'email'), new arrow.Utf8()),
    hired_at: int64(ts, col(data, 'hired_at'), BigInt),
    updated_at: int64(ts, col(data, 'updated_at'), BigInt),
    department_id: typed(new arrow.Int32(), Int32Array, col(data, 'department_id')),
    job_id: typed(new arrow.Int32(), Int32Array, col(data, 'job_id')),
    salary: typed(new arrow.Float64(), Float64Array, col(data, 'salary')),
    active: arrow.vectorFromArray(col(data, 'active'), new arrow.Bool()),
    birth_date: typed(new arrow.DateDay(), Int32Array, col(data, 'birth_date')),
    bonus: decimal(2, 12, col(data, 'bonus')),
    balance: decimal(10, 38, col(data, 'balance')),
  });
  const props = new pq.WriterPropertiesBuilder()
    .setCompression(pq.Compression.SNAPPY)
    .setMaxRowGroupSize(DEFAULT_ROW_GROUP_SIZE)
    .build();
  const wasmTable = pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  writeFileSync(path, pq.writeParquet(wasmTable, props));
}

/** The four candidates, by package name. */
export const CANDIDATES: Record<string, Candidate> = {
  'hyparquet-writer': async (data, path) => {
    writeFileSync(path, encodeParquet(TYPED_FIELDS, data.columns));
  },
  'parquetjs-lite': async (data, path, modules) =>
    rowWriter(createRequire(join(modules, 'x.js'))('parquetjs-lite'), data, path, false),
  '@dsnp/parquetjs': async (data, path, modules) =>
    rowWriter(createRequire(join(modules, 'x.js'))('@dsnp/parquetjs'), data, path, true),
  'parquet-wasm + apache-arrow': arrowWasm,
};
