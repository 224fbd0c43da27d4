import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parquetReadObjects } from 'hyparquet';
import type { Contract } from '../../src/core/contract/types.js';
import type { FieldBlock } from '../../src/core/csv/fieldBlock.js';
import { parseContract } from '../../src/core/contract/parseContract.js';
import type { MemorySink } from '../../src/core/sinks/MemorySink.js';

/** Repository root (tests run from it). */
export const ROOT = process.cwd();

/** Bytes as an async stream cut into pieces of `size` bytes (1 byte stresses every cut). */
export async function* piecesOf(
  bytes: Uint8Array | string,
  size = 65_536,
): AsyncGenerator<Uint8Array> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  for (let i = 0; i < data.length; i += size)
    yield data.subarray(i, Math.min(data.length, i + size));
}

/** A sample file's bytes. */
export function sampleBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ROOT, 'sample_data', file)));
}

/** A shipped contract. */
export function sampleContract(dataset: string): Contract {
  const path = join('schemas', `${dataset}.json`);
  return parseContract(readFileSync(join(ROOT, path), 'utf8'), path);
}

/** The rows of one Parquet file we wrote. */
export async function parquetRows(body: Uint8Array): Promise<Record<string, unknown>[]> {
  const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  // hyparquet reads SNAPPY itself; our pages are GZIP (see encodeParquet), so lend it zlib.
  return parquetReadObjects({
    file,
    compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) },
  });
}

/** Rows of every Parquet object under `prefix` in a memory sink, in key order. */
export async function readRows(
  sink: MemorySink,
  prefix: string,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const key of sink.keys().filter((k) => k.startsWith(prefix)))
    rows.push(...(await parquetRows(sink.objects.get(key)!.body)));
  return rows;
}

/** A small contract for focused tests. */
export function tinyContract(extra: Partial<Contract> = {}): Contract {
  return parseContract(
    {
      dataset: 'tiny',
      files: ['tiny*.csv'],
      columns: [
        { name: 'id', type: 'int', nullable: false },
        { name: 'note', type: 'string' },
        { name: 'at', type: 'timestamp', nullable: false },
      ],
      primaryKey: ['id'],
      partitioning: { time: 'at' },
      ...extra,
    },
    'tiny.json',
  );
}

/** A block holding `records` (each a list of field texts), as `readCsvFields` would hand it over. */
export function fieldBlockOf(records: string[][], firstRowNumber = 1): FieldBlock {
  const encoder = new TextEncoder();
  const encoded = records.map((fields) => fields.map((f) => encoder.encode(f)));
  const total = encoded.flat().reduce((n, f) => n + f.length, 0);
  const count = encoded.reduce((n, fields) => n + fields.length, 0);
  const block: FieldBlock = {
    bytes: new Uint8Array(total),
    rows: records.length,
    fieldStart: new Int32Array(records.length + 1),
    starts: new Int32Array(count),
    ends: new Int32Array(count),
    firstRowNumber,
  };
  let at = 0;
  let k = 0;
  encoded.forEach((fields, r) => {
    block.fieldStart[r] = k;
    for (const f of fields) {
      block.bytes.set(f, at);
      block.starts[k] = at;
      at += f.length;
      block.ends[k++] = at;
    }
  });
  block.fieldStart[records.length] = k;
  return block;
}
