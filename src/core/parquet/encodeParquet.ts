import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ColumnSource } from 'hyparquet-writer';
import { ParquetValueError } from './errors.js';
import { parquetSchema, parseDecimal } from './schema.js';
import type { ParquetField } from './schema.js';
import { gzipSync } from 'node:zlib';

/**
 * Pages are compressed by Node's own zlib at level 1: on our own pages as fast as a tuned JS
 * Snappy and twice as fast as hyparquet-writer's built-in one, 30% smaller than any Snappy.
 * Athena and DuckDB read GZIP Parquet natively. ZSTD level 1 would be faster and 10% smaller,
 * but only Node 22.15+ has it (docs/benchmarks.md, Round 5a: why GZIP stays, when to switch).
 */
export const gzipFast = (bytes: Uint8Array): Uint8Array => gzipSync(bytes, { level: 1 });

/** Options of `encodeParquet`. */
export interface EncodeParquetOptions {
  /** Rows per row group. Default 131,072: big enough for Athena scans, small enough for Lambda memory. */
  rowGroupSize?: number;
  /**
   * Columns whose values the caller knows to be nearly all distinct (free text, ids): written
   * PLAIN, skipping the writer's dictionary trial, which would only be thrown away.
   */
  plainColumns?: readonly string[];
}

/** Default rows per row group. */
export const DEFAULT_ROW_GROUP_SIZE = 131_072;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export const CREATED_BY = 'lakehouse-twin (hyparquet-writer)';

/**
 * A column's values: an array, with null for null, or, for a column that holds no null, a typed
 * array of its physical values: `BigInt64Array` for bigint and timestamp (ms since epoch, UTC),
 * `Int32Array` for int and date (days since epoch), `Float64Array` for double. A typed array
 * skips the per-value check (its element type is the range check) and needs no heap object per
 * value from the caller. Measured with hyparquet-writer 0.17 (docs/benchmarks.md, Round 5a), the
 * encode itself gets no faster for it: the writer walks the values several times, boxing each
 * INT64 as a `BigInt` on every pass, and its loops turn polymorphic.
 */
export type ColumnValues = readonly unknown[] | BigInt64Array | Int32Array | Float64Array;

/** The typed array each column type may come as (see `ColumnValues`). */
const TYPED_ARRAY_OF: Partial<
  Record<string, typeof Int32Array | typeof Float64Array | typeof BigInt64Array>
> = {
  bigint: BigInt64Array,
  timestamp: BigInt64Array,
  int: Int32Array,
  date: Int32Array,
  double: Float64Array,
};

/**
 * Encode columns as one GZIP-compressed Parquet file.
 *
 * Values per type: string→string (or its UTF-8 bytes as a `Uint8Array`), int→number, bigint→bigint, double→number, boolean→boolean,
 * date→days since epoch, timestamp→ms since epoch (UTC) as a number or a bigint (the writer stores
 * INT64 as bigints, so handing them over as bigints saves a conversion per value), decimal(p,s)→bigint
 * unscaled; null for null. A column without nulls may come as a typed array instead (see
 * `ColumnValues`); the file is then byte for byte the one the equivalent array gives.
 * @example encodeParquet([{ name: 'id', type: 'bigint', nullable: false }], { id: [1n, 2n] })
 * @example encodeParquet([{ name: 'id', type: 'bigint', nullable: false }], { id: BigInt64Array.of(1n, 2n) })
 */
export function encodeParquet(
  fields: ParquetField[],
  columns: Record<string, ColumnValues>,
  options: EncodeParquetOptions = {},
): Uint8Array {
  checkColumns(fields, columns);
  const plain = new Set(options.plainColumns ?? []);
  const columnData: ColumnSource[] = fields.map((field) => ({
    name: field.name,
    data: columns[field.name] as ColumnSource['data'],
    nullable: field.nullable,
    // Min/max of free text rarely prunes a row group but costs a comparison per value.
    statistics: field.type !== 'string',
    ...(plain.has(field.name) ? { encoding: 'PLAIN' as const } : {}),
  }));
  const buffer = parquetWriteBuffer({
    columnData,
    schema: parquetSchema(fields),
    codec: 'GZIP',
    compressors: { GZIP: gzipFast },
    rowGroupSize: Math.max(1, options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE),
    createdBy: CREATED_BY,
  });
  return new Uint8Array(buffer);
}

/** Checks every column is present, equally long and holds values of its type. */
function checkColumns(fields: ParquetField[], columns: Record<string, ColumnValues>): void {
  let rowCount: number | undefined;
  for (const field of fields) {
    const values: ColumnValues | undefined = columns[field.name];
    if (!Array.isArray(values) && !ArrayBuffer.isView(values)) {
      throw new ParquetValueError(`column ${field.name} is missing`, { column: field.name });
    }
    if (rowCount === undefined) rowCount = values.length;
    else if (values.length !== rowCount) {
      throw new ParquetValueError(
        `column ${field.name} has ${values.length} values, expected ${rowCount}`,
        {
          column: field.name,
        },
      );
    }
    if (Array.isArray(values)) checkValues(field, values);
    else checkTypedArray(field, values as ArrayBufferView);
  }
}

/** A typed array must be the one its column type takes; its values then need no check. */
function checkTypedArray(field: ParquetField, values: ArrayBufferView): void {
  const expected = TYPED_ARRAY_OF[field.type];
  if (expected && values instanceof expected) return;
  throw new ParquetValueError(
    `column ${field.name} (${field.type}) takes ${expected ? `a ${expected.name} or ` : ''}an array, not a ${values.constructor.name}`,
    { column: field.name },
  );
}

/** The JS `typeof` each column type carries. */
function jsTypeOf(field: ParquetField): 'string' | 'number' | 'bigint' | 'boolean' {
  switch (field.type) {
    case 'string':
      return 'string';
    case 'bigint':
      return 'bigint';
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'double':
    case 'date':
    case 'timestamp':
      return 'number';
  }
  parseDecimal(field.type);
  return 'bigint';
}

/** One tight loop per column: a wrong value fails here with its row, not deep in the writer. */
function checkValues(field: ParquetField, values: readonly unknown[]): void {
  const expected = jsTypeOf(field);
  const integral = field.type === 'int' || field.type === 'date' || field.type === 'timestamp';
  // int and date are INT32; a decimal's unscaled value must fit its precision.
  const intLimit = field.type === 'int' || field.type === 'date' ? 2 ** 31 : Infinity;
  const decimal = parseDecimal(field.type);
  const decimalLimit = decimal ? 10n ** BigInt(decimal.precision) : undefined;
  for (let row = 0; row < values.length; row++) {
    const v = values[row];
    if (v === null || v === undefined) {
      if (field.nullable) continue;
      throw new ParquetValueError(`null in non-nullable column ${field.name}`, {
        column: field.name,
        row,
      });
    }
    if (expected === 'string' && v instanceof Uint8Array) continue; // UTF-8 bytes, written as they are
    if (field.type === 'timestamp' && typeof v === 'bigint') {
      if (v >= INT64_MIN && v <= INT64_MAX) continue;
      throw new ParquetValueError(`column ${field.name} (timestamp) got ${v}, beyond INT64`, {
        column: field.name,
        row,
      });
    }
    const bad =
      typeof v !== expected ||
      (integral &&
        (!Number.isInteger(v) || (v as number) >= intLimit || (v as number) < -intLimit)) ||
      (decimalLimit !== undefined &&
        ((v as bigint) >= decimalLimit || (v as bigint) <= -decimalLimit));
    if (bad) {
      throw new ParquetValueError(
        `column ${field.name} (${field.type}) got ${typeof v} ${String(v)}`,
        {
          column: field.name,
          row,
        },
      );
    }
  }
}
