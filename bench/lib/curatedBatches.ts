import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parquetReadObjects } from 'hyparquet';
import { curatedFields } from '../../src/core/transform/fields.js';
import type { ParquetField } from '../../src/core/parquet/index.js';
import { benchContract } from '../contract.js';
import { runOursJob } from '../engines/oursJob.js';
import { generateCsv } from './generateCsv.js';

/**
 * One column of a curated file as the transform holds it before `encodeParquet`: bigints in a
 * `BigInt64Array`, other numbers (timestamps and row numbers too) in a `Float64Array`, strings as
 * JS strings; a null flag per row.
 */
export interface StoredColumn {
  field: ParquetField;
  nulls: Uint8Array;
  hasNull: boolean;
  numbers?: Float64Array;
  bigints?: BigInt64Array;
  strings?: (string | null)[];
}

/** The curated files of `rows` rows of the reference workload, run through our transform. */
export async function curatedBatches(rows: number): Promise<StoredColumn[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'curated-batches-'));
  try {
    const input = join(dir, 'employees.csv');
    await generateCsv(input, rows);
    const out = join(dir, 'out');
    await runOursJob(benchContract, input, out);
    const files = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.parquet') && !f.includes('_rejected'),
    );
    const fields = curatedFields(benchContract);
    const batches: StoredColumn[][] = [];
    for (const f of files) batches.push(stored(fields, await readRows(join(out, f))));
    return batches;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function readRows(path: string): Promise<Record<string, unknown>[]> {
  const bytes = readFileSync(path);
  return parquetReadObjects({
    file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    compressors: { GZIP: (b: Uint8Array) => new Uint8Array(gunzipSync(b)) },
    parsers: { timestampFromMilliseconds: (ms: bigint) => Number(ms) },
  } as Parameters<typeof parquetReadObjects>[0]);
}

function stored(fields: ParquetField[], rows: Record<string, unknown>[]): StoredColumn[] {
  return fields.map((field) => {
    const values = rows.map((r) => (r[field.name] ?? null) as unknown);
    const nulls = Uint8Array.from(values, (v) => (v === null ? 1 : 0));
    const hasNull = nulls.includes(1);
    if (field.type === 'string')
      return { field, nulls, hasNull, strings: values as (string | null)[] };
    if (field.type === 'bigint' && field.name !== '_row_number') {
      return {
        field,
        nulls,
        hasNull,
        bigints: BigInt64Array.from(values, (v) => (v as bigint | null) ?? 0n),
      };
    }
    const numbers = Float64Array.from(values, (v) => Number((v as number | bigint | null) ?? 0));
    return { field, nulls, hasNull, numbers };
  });
}
