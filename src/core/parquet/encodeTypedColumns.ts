import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeDictionaryPage } from 'hyparquet-writer/src/dictionary.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import { ParquetWriter } from 'hyparquet-writer/src/parquet-writer.js';
import type { ColumnChunk, SchemaElement } from 'hyparquet';
import { CREATED_BY, DEFAULT_ROW_GROUP_SIZE, gzipFast } from './encodeParquet.js';
import { ParquetValueError } from './errors.js';
import { parquetSchema } from './schema.js';
import type { ParquetField } from './schema.js';

/**
 * One column's values as the transform's column stores hold them, in typed memory. `nulls[i]` is
 * 1 where row i is null (absent: no null); a null row's slot in the other arrays is ignored.
 */
export type TypedColumn =
  | { kind: 'int32'; values: Int32Array; nulls?: Uint8Array }
  | { kind: 'int64'; values: BigInt64Array; nulls?: Uint8Array }
  | { kind: 'double'; values: Float64Array; nulls?: Uint8Array }
  /** Row i is `entries[ids[i]]` (UTF-8). Written RLE_DICTIONARY. */
  | { kind: 'dictionary'; ids: Int32Array; entries: Uint8Array[]; nulls?: Uint8Array }
  /** Row i is `data[ends[i - 1] … ends[i])` (UTF-8; from 0 for row 0). Written PLAIN. */
  | { kind: 'bytes'; data: Uint8Array; ends: Int32Array; nulls?: Uint8Array };

/** Page size hyparquet-writer aims at (its default), estimated the way it estimates. */
const PAGE_SIZE = 1_048_576;

/**
 * Encode columns held in typed memory as one GZIP Parquet file, page by page from the typed
 * arrays: no JS value per row (hyparquet-writer takes arrays of values, and walking them, with a
 * `BigInt` per INT64 value on each pass, was half the transform's time: docs/benchmarks.md,
 * round 5). It writes what hyparquet-writer writes for the same columns with the same encodings,
 * byte for byte (tests/core/parquet/encodeTypedColumns.test.ts holds it to that), and uses its
 * page header, dictionary page, RLE, metadata and footer code; only the walk over the values is
 * ours. Numbers get min/max statistics and are written PLAIN, or as a dictionary where that
 * halves their bytes; strings as the stores hold them (a dictionary, or PLAIN bytes) without
 * statistics, as `encodeParquet` does.
 * @example encodeTypedColumns([{ name: 'id', type: 'bigint', nullable: false }], [{ kind: 'int64', values: BigInt64Array.of(1n) }], 1)
 */
export function encodeTypedColumns(
  fields: ParquetField[],
  columns: TypedColumn[],
  rows: number,
  rowGroupSize = DEFAULT_ROW_GROUP_SIZE,
): Uint8Array {
  if (columns.length !== fields.length)
    throw new ParquetValueError(`${columns.length} columns for ${fields.length} fields`, {});
  fields.forEach((field, j) => checkKind(field, columns[j]!));
  const schema = parquetSchema(fields);
  const writer = new ByteWriter();
  const pq = new ParquetWriter({
    writer,
    schema,
    codec: 'GZIP',
    compressors: { GZIP: gzipFast },
    createdBy: CREATED_BY,
  });
  for (let start = 0; start < rows; start += rowGroupSize) {
    const size = Math.min(rowGroupSize, rows - start);
    const groupStart = writer.offset;
    const chunks: ColumnChunk[] = [];
    fields.forEach((field, j) => {
      const written = writeChunk(
        writer,
        schema[j + 1]!,
        field,
        slice(columns[j]!, start, size),
        size,
      );
      chunks.push(written.chunk);
      pq.pendingIndexes.push(written);
    });
    let totalBytes = 0n;
    for (const c of chunks) totalBytes += c.meta_data!.total_uncompressed_size;
    pq.num_rows += BigInt(size);
    pq.row_groups.push({
      columns: chunks,
      total_byte_size: totalBytes,
      num_rows: BigInt(size),
      total_compressed_size: BigInt(writer.offset - groupStart),
    });
  }
  pq.finish();
  return new Uint8Array(writer.getBuffer());
}

/** The column kinds each field type takes. */
function checkKind(field: ParquetField, column: TypedColumn): void {
  const ok =
    field.type === 'string'
      ? column.kind === 'dictionary' || column.kind === 'bytes'
      : field.type === 'int' || field.type === 'date'
        ? column.kind === 'int32'
        : field.type === 'bigint' || field.type === 'timestamp'
          ? column.kind === 'int64'
          : field.type === 'double' && column.kind === 'double';
  if (!ok)
    throw new ParquetValueError(`column ${field.name} (${field.type}) cannot take ${column.kind}`, {
      column: field.name,
    });
  const row = field.nullable ? -1 : (column.nulls?.indexOf(1) ?? -1);
  if (row >= 0)
    throw new ParquetValueError(`null in non-nullable column ${field.name}`, {
      column: field.name,
      row,
    });
}

/** Rows `start … start + size` of a column (views, no copy). */
function slice(c: TypedColumn, start: number, size: number): TypedColumn {
  const nulls = c.nulls?.subarray(start, start + size);
  const end = start + size;
  switch (c.kind) {
    case 'int32':
      return { kind: c.kind, values: c.values.subarray(start, end), nulls };
    case 'int64':
      return { kind: c.kind, values: c.values.subarray(start, end), nulls };
    case 'double':
      return { kind: c.kind, values: c.values.subarray(start, end), nulls };
    case 'dictionary':
      return start === 0 && end === c.ids.length
        ? c
        : localDictionary(c.ids.subarray(start, end), c.entries, nulls);
    case 'bytes': {
      // Rebase the ends on the slice's first byte.
      const from = start === 0 ? 0 : c.ends[start - 1]!;
      const ends = c.ends.subarray(start, end);
      if (from === 0) return { kind: c.kind, data: c.data, ends, nulls };
      const rebased = new Int32Array(size);
      for (let i = 0; i < size; i++) rebased[i] = ends[i]! - from;
      return { kind: c.kind, data: c.data.subarray(from), ends: rebased, nulls };
    }
  }
}

/**
 * The dictionary of one row group, its entries in the order the group first uses them (each
 * column chunk has a dictionary of its own, as hyparquet-writer builds it).
 */
function localDictionary(
  ids: Int32Array,
  entries: Uint8Array[],
  nulls: Uint8Array | undefined,
): TypedColumn {
  const local = new Int32Array(entries.length).fill(-1);
  const used: Uint8Array[] = [];
  const out = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    if (nulls?.[i] === 1) continue;
    const id = ids[i]!;
    if (local[id] === -1) {
      local[id] = used.length;
      used.push(entries[id]!);
    }
    out[i] = local[id]!;
  }
  return { kind: 'dictionary', ids: out, entries: used, nulls };
}

interface Written {
  chunk: ColumnChunk;
  offsetIndex?: {
    page_locations: { offset: bigint; compressed_page_size: number; first_row_index: bigint }[];
  };
}

/** One column chunk: dictionary page (if any), data pages V2, and its metadata. */
function writeChunk(
  writer: ByteWriter,
  element: SchemaElement,
  field: ParquetField,
  column: TypedColumn,
  rows: number,
): Written {
  const offsetStart = writer.offset;
  const encoder = {
    columnName: field.name,
    element,
    codec: 'GZIP' as const,
    compressors: { GZIP: gzipFast },
  };
  // Strings come as the stores hold them; numbers get a dictionary where it wins.
  const dictionary = column.kind === 'dictionary' ? column : numberDictionary(column, rows);
  const isDictionary = dictionary !== undefined;
  // What the data pages hold: the ids, or the values.
  const written: TypedColumn = dictionary
    ? { kind: 'dictionary', ids: dictionary.ids, entries: [], nulls: dictionary.nulls }
    : column;
  let uncompressed = 0;
  let dictionaryPageOffset: bigint | undefined;
  if (isDictionary) {
    dictionaryPageOffset = BigInt(writer.offset);
    uncompressed += writeDictionaryPage(writer, encoder as never, dictionary.entries as never);
  }
  const encoding = isDictionary ? 'RLE_DICTIONARY' : 'PLAIN';
  const dataPageOffset = BigInt(writer.offset);
  const pages = pageBoundaries(written, rows);
  const locations: NonNullable<Written['offsetIndex']>['page_locations'] = [];
  for (const [start, end] of pages) {
    const pageOffset = writer.offset;
    uncompressed += writeDataPage(writer, field, written, start, end);
    locations.push({
      offset: BigInt(pageOffset),
      compressed_page_size: writer.offset - pageOffset,
      first_row_index: BigInt(start),
    });
  }
  const stats = field.type !== 'string';
  const chunk: ColumnChunk = {
    meta_data: {
      type: element.type!,
      encodings: isDictionary ? ['PLAIN', 'RLE_DICTIONARY'] : ['PLAIN'],
      path_in_schema: [field.name],
      codec: 'GZIP',
      num_values: BigInt(rows),
      total_compressed_size: BigInt(writer.offset - offsetStart),
      total_uncompressed_size: BigInt(uncompressed),
      data_page_offset: dataPageOffset,
      dictionary_page_offset: dictionaryPageOffset,
      statistics: stats ? statistics(column, rows) : undefined,
      encoding_stats: stats
        ? [
            ...(isDictionary
              ? [{ page_type: 'DICTIONARY_PAGE' as const, encoding: 'PLAIN' as const, count: 1 }]
              : []),
            { page_type: 'DATA_PAGE_V2' as const, encoding, count: pages.length },
          ]
        : undefined,
      geospatial_statistics: undefined,
    },
    file_offset: BigInt(offsetStart),
  };
  return { chunk, ...(pages.length > 1 ? { offsetIndex: { page_locations: locations } } : {}) };
}

/** A dictionary-encoded column: ids into `entries` (UTF-8 strings, or the distinct numbers). */
type DictionaryColumn = {
  kind: 'dictionary';
  ids: Int32Array;
  entries: Uint8Array[] | Int32Array | BigInt64Array;
  nulls?: Uint8Array;
};

/**
 * A number column as ids into its distinct values (first-seen order, as hyparquet-writer builds
 * a dictionary), when that is at most half the PLAIN bytes, the writer's own rule; else undefined.
 * Small codes and the partition's timestamps (a few thousand seconds in an hour) take it.
 */
function numberDictionary(c: TypedColumn, rows: number): DictionaryColumn | undefined {
  if (c.kind !== 'int32' && c.kind !== 'int64') return undefined;
  const wide = c.kind === 'int64' ? 2 : 1; // 32-bit words a value
  const words = new Int32Array(c.values.buffer, c.values.byteOffset, rows * wide);
  let nonNull = 0;
  for (let i = 0; i < rows; i++) if (!isNull(c, i)) nonNull++;
  if (nonNull === 0) return undefined;
  const plain = nonNull * 4 * wide;
  // Past this many distinct values the dictionary alone is half the PLAIN bytes: give up.
  const most = Math.floor(nonNull / 4);
  let size = 64;
  while (size < 2 * most + 2) size *= 2;
  const slots = new Int32Array(size).fill(-1); // first row holding the value, by hash
  const ids = new Int32Array(rows);
  const firsts: number[] = [];
  const mask = size - 1;
  for (let i = 0; i < rows; i++) {
    if (isNull(c, i)) continue;
    const lo = words[i * wide]!;
    const hi = wide === 2 ? words[i * wide + 1]! : 0;
    let slot = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) & mask;
    for (;;) {
      const id = slots[slot]!;
      if (id < 0) {
        if (firsts.length >= most) return undefined;
        slots[slot] = firsts.length;
        ids[i] = firsts.length;
        firsts.push(i);
        break;
      }
      const at = firsts[id]!;
      if (words[at * wide] === lo && (wide === 1 || words[at * wide + 1] === hi)) {
        ids[i] = id;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  const distinct = firsts.length;
  const bitWidth = Math.ceil(Math.log2(distinct));
  const dictionaryBytes = distinct * 4 * wide + Math.ceil((nonNull * bitWidth) / 8);
  if (2 * dictionaryBytes > plain) return undefined;
  const entries =
    c.kind === 'int64'
      ? BigInt64Array.from(firsts, (i) => c.values[i]!)
      : Int32Array.from(firsts, (i) => c.values[i]!);
  return { kind: 'dictionary', ids, entries, ...(c.nulls ? { nulls: c.nulls } : {}) };
}

const isNull = (c: TypedColumn, i: number): boolean => c.nulls !== undefined && c.nulls[i] === 1;

/** Bytes hyparquet-writer estimates for row i of the values it writes (0 for a null). */
function estimate(c: TypedColumn, i: number): number {
  if (isNull(c, i)) return 0;
  switch (c.kind) {
    case 'int32':
    case 'dictionary': // the ids, written as INT32
      return 4;
    case 'int64':
    case 'double':
      return 8;
    case 'bytes':
      return c.ends[i]! - (i === 0 ? 0 : c.ends[i - 1]!);
  }
}

/** Pages as hyparquet-writer cuts them: a new one once the estimate reaches the page size. */
function pageBoundaries(c: TypedColumn, rows: number): [number, number][] {
  const pages: [number, number][] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < rows; i++) {
    const size = estimate(c, i);
    bytes += size;
    if (bytes >= PAGE_SIZE && i > start) {
      pages.push([start, i]);
      start = i;
      bytes = size;
    }
  }
  if (start < rows) pages.push([start, rows]);
  return pages;
}

/** One data page V2 of rows `start … end`; returns its uncompressed size with the header. */
function writeDataPage(
  writer: ByteWriter,
  field: ParquetField,
  c: TypedColumn,
  start: number,
  end: number,
): number {
  const n = end - start;
  let nulls = 0;
  if (c.nulls) for (let i = start; i < end; i++) nulls += c.nulls[i]!;
  const levels = new ByteWriter();
  let levelBytes = 0;
  if (field.nullable) {
    const defined = new Uint8Array(n);
    for (let i = 0; i < n; i++) defined[i] = isNull(c, start + i) ? 0 : 1;
    levelBytes = writeRleBitPackedHybrid(levels, defined, 1);
  }
  const page = new ByteWriter(pageCapacity(c, start, end));
  writeValues(page, c, start, end, nulls);
  const pageBytes = page.getBytes();
  const compressed = gzipFast(pageBytes);
  const headerStart = writer.offset;
  writePageHeader(writer, {
    type: 'DATA_PAGE_V2',
    uncompressed_page_size: levels.offset + page.offset,
    compressed_page_size: levels.offset + compressed.length,
    data_page_header_v2: {
      num_values: n,
      num_nulls: nulls,
      num_rows: n,
      encoding: c.kind === 'dictionary' ? 'RLE_DICTIONARY' : 'PLAIN',
      definition_levels_byte_length: levelBytes,
      repetition_levels_byte_length: 0,
      is_compressed: true,
    },
  });
  const headerSize = writer.offset - headerStart;
  writer.appendBytes(levels.getBytes());
  writer.appendBytes(compressed);
  return headerSize + levels.offset + page.offset;
}

/** Room for a page's values, so the page buffer never grows. */
function pageCapacity(c: TypedColumn, start: number, end: number): number {
  const n = end - start;
  if (c.kind === 'bytes') {
    const from = start === 0 ? 0 : c.ends[start - 1]!;
    return c.ends[end - 1]! - from + 4 * n + 16;
  }
  return 8 * n + 16;
}

/** The non-null values of rows `start … end`: PLAIN from the typed array's bytes, or the ids RLE-encoded. */
function writeValues(
  page: ByteWriter,
  c: TypedColumn,
  start: number,
  end: number,
  nulls: number,
): void {
  switch (c.kind) {
    case 'int32':
    case 'int64':
    case 'double': {
      const width = c.kind === 'int32' ? 4 : 8;
      const bytes = new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength);
      if (nulls === 0) {
        page.appendBytes(bytes.subarray(start * width, end * width)); // little-endian, as Parquet
        return;
      }
      for (let i = start; i < end; i++)
        if (!isNull(c, i)) page.appendBytes(bytes.subarray(i * width, (i + 1) * width));
      return;
    }
    case 'bytes': {
      for (let i = start; i < end; i++) {
        if (isNull(c, i)) continue;
        const from = i === 0 ? 0 : c.ends[i - 1]!;
        page.appendUint32(c.ends[i]! - from);
        page.appendBytes(c.data.subarray(from, c.ends[i]!));
      }
      return;
    }
    case 'dictionary': {
      const ids = nulls === 0 ? c.ids.subarray(start, end) : nonNullIds(c, start, end, nulls);
      let max = 0;
      for (let i = 0; i < ids.length; i++) if (ids[i]! > max) max = ids[i]!;
      const bitWidth = Math.ceil(Math.log2(max + 1));
      page.appendUint8(bitWidth);
      writeRleBitPackedHybrid(page, ids, bitWidth);
      return;
    }
  }
}

function nonNullIds(
  c: Extract<TypedColumn, { kind: 'dictionary' }>,
  start: number,
  end: number,
  nulls: number,
): Int32Array {
  const out = new Int32Array(end - start - nulls);
  let k = 0;
  for (let i = start; i < end; i++) if (!isNull(c, i)) out[k++] = c.ids[i]!;
  return out;
}

/** Min, max and null count as hyparquet-writer's `getStatistics` gives them for numbers. */
function statistics(c: TypedColumn, rows: number) {
  let nullCount = 0;
  let minAt = -1;
  let maxAt = -1;
  let nanCount = 0;
  if (c.kind === 'int64') {
    // Compare the 32-bit halves: reading a BigInt64Array element would make a BigInt.
    const v = c.values;
    const hi = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
    const lo = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
    const less = (a: number, b: number): boolean =>
      hi[2 * a + 1]! < hi[2 * b + 1]! ||
      (hi[2 * a + 1] === hi[2 * b + 1] && lo[2 * a]! < lo[2 * b]!);
    for (let i = 0; i < rows; i++) {
      if (isNull(c, i)) {
        nullCount++;
        continue;
      }
      if (minAt < 0 || less(i, minAt)) minAt = i;
      if (maxAt < 0 || less(maxAt, i)) maxAt = i;
    }
    return {
      min_value: minAt < 0 ? undefined : v[minAt],
      max_value: maxAt < 0 ? undefined : v[maxAt],
      null_count: BigInt(nullCount),
      nan_count: undefined,
    };
  }
  if (c.kind !== 'int32' && c.kind !== 'double') throw new Error(`no statistics for ${c.kind}`);
  const v = c.values;
  let min: number | undefined;
  let max: number | undefined;
  for (let i = 0; i < rows; i++) {
    if (isNull(c, i)) {
      nullCount++;
      continue;
    }
    const x = v[i]!;
    if (x !== x) {
      nanCount++;
      continue;
    }
    if (min === undefined || x < min) min = x;
    if (max === undefined || x > max) max = x;
  }
  // As the writer normalizes a zero: min -0, max +0.
  if (min === 0) min = -0;
  if (max === 0) max = 0;
  return {
    min_value: min,
    max_value: max,
    null_count: BigInt(nullCount),
    nan_count: c.kind === 'double' ? BigInt(nanCount) : undefined,
  };
}
