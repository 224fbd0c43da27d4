import { Buffer } from 'node:buffer';
import { endianness } from 'node:os';
import type { ColumnType } from '../contract/types.js';
import type { TypedColumn } from '../parquet/index.js';

/**
 * Held values of one column in flat typed memory: strings as UTF-8 bytes in one growing buffer,
 * numbers in a `Float64Array`, bigints in a `BigInt64Array`, a null flag per row. No per-value
 * heap objects survive between flushes, so the garbage collector has little to trace, substrings
 * never pin the CSV blocks they were cut from, and `bytes` is the memory really allocated.
 */
export interface ColumnStore {
  /**
   * Append one value (of the column's JS type, see `encodeParquet`) or null; returns the bytes
   * newly allocated. A string store also takes `IN_BLOCK` with the value's UTF-8 bytes
   * `bytes[start … end)`.
   */
  push(value: unknown, bytes?: Uint8Array, start?: number, end?: number): number;
  /**
   * The held values as `encodeParquet` takes them: strings as JS strings or UTF-8 `Uint8Array`
   * views, numbers as numbers, bigints and timestamps as bigints, null for null.
   */
  values(): unknown[];
  /** The held values as `encodeTypedColumns` takes them (views of the store's memory), if it can. */
  typed(): TypedColumn | undefined;
  /** Bytes allocated by this store. */
  readonly bytes: number;
  /** For strings: true once the values are held as UTF-8 bytes because they are mostly distinct. */
  readonly distinct?: boolean;
}

const INITIAL_ROWS = 256;

/**
 * A store for values of `type`. String stores of one column share `hint` (see `StringHint`);
 * without one, each store finds out for itself.
 */
export function columnStore(type: ColumnType, hint: StringHint = { distinct: false }): ColumnStore {
  switch (type) {
    case 'string':
      return new Utf8Store(hint);
    case 'int':
    case 'date': // days since epoch
      return new TypedStore('int32', (n) => new Int32Array(n));
    case 'double':
      return new TypedStore('double', (n) => new Float64Array(n));
    case 'timestamp':
    case 'bigint':
      return new Int64Store();
    default:
      // boolean, decimal (bigint unscaled, possibly beyond 64 bits): rare; held as they are.
      return new ArrayStore();
  }
}

/** Grows a typed array to hold at least `need` elements (doubling). */
function grow<T extends Buffer | Uint8Array | Int32Array | Float64Array | BigInt64Array>(
  array: T,
  need: number,
  make: (n: number) => T,
): T {
  if (need <= array.length) return array;
  let n = array.length * 2;
  while (n < need) n *= 2;
  const next = make(n);
  next.set(array as never);
  return next;
}

/**
 * How a string column's values are best held, shared by every store of that column in one run:
 * once one store finds the column's values mostly distinct, later stores start as bytes at once.
 */
export interface StringHint {
  /** The values are mostly distinct: hold UTF-8 bytes (and write them PLAIN). */
  distinct: boolean;
}

/** Distinct values a store keeps as a dictionary before it may decide the column is free text. */
const DICTIONARY_PROBE = 512;
/** Distinct values a store keeps as a dictionary at most. */
const DICTIONARY_MAX = 4096;
/** Rough heap bytes of one dictionary entry beyond its characters (string header, table slots). */
const ENTRY_OVERHEAD = 64;

const decoder = new TextDecoder();
/** Where a JS string pushed to a string store is encoded first (the store works on bytes). */
let scratch = Buffer.allocUnsafeSlow(1024);

/**
 * Strings in one of two layouts, taken as UTF-8 bytes (a span of the CSV block, or a JS string
 * encoded once). A column whose values repeat (names, codes, categories) is held as a small
 * dictionary, found by a hash of the bytes, plus an `Int32` id per row: nothing copied per row,
 * and the Parquet writer's own dictionary then keys its Map by those few strings. Once the values
 * prove mostly distinct (more than `DICTIONARY_PROBE` distinct and over half the rows, or more
 * than `DICTIONARY_MAX`), the store switches for good to UTF-8 bytes in one growing buffer.
 */
class Utf8Store implements ColumnStore {
  private data = Buffer.alloc(0);
  private used = 0;
  /** Bytes layout: ends[i] is the end of value i, which starts at ends[i - 1] (or 0). Dictionary layout: the id of value i. */
  private ends = new Int32Array(INITIAL_ROWS);
  private nulls = new Uint8Array(INITIAL_ROWS);
  private rows = 0;
  private dictionary: ByteDictionary | null;
  private readonly hint: StringHint;

  constructor(hint: StringHint) {
    this.hint = hint;
    this.dictionary = hint.distinct ? null : new ByteDictionary();
    if (hint.distinct) this.data = Buffer.allocUnsafeSlow(INITIAL_ROWS * 16);
  }

  get bytes(): number {
    return (
      this.data.byteLength +
      this.ends.byteLength +
      this.nulls.byteLength +
      (this.dictionary?.bytes ?? 0)
    );
  }

  /** Whether the values are held as UTF-8 bytes (mostly distinct) rather than as a dictionary. */
  get distinct(): boolean {
    return this.dictionary === null;
  }

  push(value: unknown, bytes?: Uint8Array, start = 0, end = 0): number {
    let added = 0;
    const row = this.rows++;
    if (row >= this.ends.length) {
      added -= this.ends.byteLength + this.nulls.byteLength;
      this.ends = grow(this.ends, row + 1, (n) => new Int32Array(n));
      this.nulls = grow(this.nulls, row + 1, (n) => new Uint8Array(n));
      added += this.ends.byteLength + this.nulls.byteLength;
    }
    if (value === null || value === undefined) {
      this.nulls[row] = 1;
      this.ends[row] = this.dictionary === null ? this.used : 0;
      return added;
    }
    let b: Uint8Array;
    if (typeof value === 'string') {
      if (value.length * 3 > scratch.length) scratch = Buffer.allocUnsafeSlow(value.length * 3);
      b = scratch;
      start = 0;
      end = scratch.write(value, 0); // room for 3 bytes per UTF-16 unit: nothing cut short
    } else b = bytes!;
    this.nulls[row] = 0;
    const dictionary = this.dictionary;
    if (dictionary !== null) {
      let id = dictionary.find(b, start, end);
      if (id < 0) {
        const size = dictionary.size;
        if (size >= DICTIONARY_MAX || (size >= DICTIONARY_PROBE && size * 2 > row)) {
          this.hint.distinct = true;
          added += this.toBytes(row);
          return added + this.pushBytes(row, b, start, end);
        }
        const before = dictionary.bytes;
        id = dictionary.add(b, start, end);
        added += dictionary.bytes - before;
      }
      this.ends[row] = id;
      return added;
    }
    return added + this.pushBytes(row, b, start, end);
  }

  /** Append `b[start … end)` as value `row` in the bytes layout; returns the bytes newly allocated. */
  private pushBytes(row: number, b: Uint8Array, start: number, end: number): number {
    let added = 0;
    const n = end - start;
    const at = this.used;
    if (at + n > this.data.length) {
      added -= this.data.byteLength;
      this.data = grow(this.data, Math.max(at + n, INITIAL_ROWS * 16), (m) =>
        Buffer.allocUnsafeSlow(m),
      );
      added += this.data.byteLength;
    }
    const data = this.data;
    // Short values byte by byte: a subarray per value would be an object per value.
    if (n <= 64) for (let k = 0; k < n; k++) data[at + k] = b[start + k]!;
    else data.set(b.subarray(start, end), at);
    this.ends[row] = at + n;
    this.used = at + n;
    return added;
  }

  /** Switch the first `rows` values from the dictionary layout to bytes; returns the bytes newly allocated. */
  private toBytes(rows: number): number {
    const before = this.bytes;
    const { nulls, ends } = this;
    const dictionary = this.dictionary!;
    let total = 0;
    for (let i = 0; i < rows; i++) if (!nulls[i]) total += dictionary.length(ends[i]!);
    let size = INITIAL_ROWS * 16;
    while (size < total) size *= 2;
    const data = Buffer.allocUnsafeSlow(size);
    let pos = 0;
    for (let i = 0; i < rows; i++) {
      if (!nulls[i]) pos += dictionary.copy(ends[i]!, data, pos);
      ends[i] = pos; // overwrites the id just read
    }
    this.data = data;
    this.used = pos;
    this.dictionary = null;
    return this.bytes - before;
  }

  typed(): TypedColumn {
    const ends = this.ends.subarray(0, this.rows);
    const nulls = this.nulls.subarray(0, this.rows);
    const withNulls = nulls.includes(1) ? { nulls } : {};
    if (this.dictionary !== null)
      return { kind: 'dictionary', ids: ends, entries: this.dictionary.entries(), ...withNulls };
    return { kind: 'bytes', data: this.data, ends, ...withNulls };
  }

  values(): unknown[] {
    const out: unknown[] = new Array(this.rows);
    const { data, ends, nulls } = this;
    if (this.dictionary !== null) {
      const entries = this.dictionary.strings();
      for (let i = 0; i < this.rows; i++) out[i] = nulls[i] ? null : entries[ends[i]!];
      return out;
    }
    // Plain Uint8Array views: measured 44 ms per million against 62 ms for Buffer's subarray.
    const { buffer, byteOffset } = data;
    let start = 0;
    for (let i = 0; i < this.rows; i++) {
      const end = ends[i]!;
      out[i] = nulls[i] ? null : new Uint8Array(buffer, byteOffset + start, end - start);
      start = end;
    }
    return out;
  }
}

/**
 * Distinct byte strings with ids in order of arrival, found by an FNV-1a hash of their bytes in
 * an open-addressing table: looking a value up needs no JS string.
 */
class ByteDictionary {
  private pool = new Uint8Array(1024);
  private poolUsed = 0;
  /** Entry id i is pool[offsets[i] … offsets[i + 1]). */
  private offsets = new Int32Array(65);
  private hashes = new Int32Array(64);
  /** Slots hold id + 1; 0 is empty. */
  private table = new Int32Array(256);
  size = 0;

  get bytes(): number {
    return (
      this.pool.byteLength +
      this.offsets.byteLength +
      this.hashes.byteLength +
      this.table.byteLength +
      this.size * ENTRY_OVERHEAD
    );
  }

  /** The id of `b[s … e)`, or -1. */
  find(b: Uint8Array, s: number, e: number): number {
    const h = hashOf(b, s, e);
    const mask = this.table.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = this.table[slot]! - 1;
      if (id < 0) return -1;
      if (this.hashes[id] === h && this.equals(id, b, s, e)) return id;
    }
  }

  /** Add `b[s … e)` (not present); returns its id. */
  add(b: Uint8Array, s: number, e: number): number {
    const id = this.size++;
    const n = e - s;
    if (this.poolUsed + n > this.pool.length)
      this.pool = grow(this.pool, this.poolUsed + n, (m) => new Uint8Array(m));
    this.pool.set(b.subarray(s, e), this.poolUsed);
    if (id + 2 > this.offsets.length)
      this.offsets = grow(this.offsets, id + 2, (m) => new Int32Array(m));
    if (id >= this.hashes.length) this.hashes = grow(this.hashes, id + 1, (m) => new Int32Array(m));
    this.offsets[id] = this.poolUsed;
    this.poolUsed += n;
    this.offsets[id + 1] = this.poolUsed;
    const h = hashOf(b, s, e);
    this.hashes[id] = h;
    if (this.size * 2 > this.table.length) this.rehash();
    else this.place(id, h);
    return id;
  }

  /** Byte length of entry `id`. */
  length(id: number): number {
    return this.offsets[id + 1]! - this.offsets[id]!;
  }

  /** Copy entry `id` into `to` at `at`; returns its length. */
  copy(id: number, to: Uint8Array, at: number): number {
    const from = this.offsets[id]!;
    const n = this.offsets[id + 1]! - from;
    to.set(this.pool.subarray(from, from + n), at);
    return n;
  }

  /** Every entry's UTF-8 bytes (views), by id. */
  entries(): Uint8Array[] {
    const out: Uint8Array[] = new Array(this.size);
    for (let id = 0; id < this.size; id++)
      out[id] = this.pool.subarray(this.offsets[id]!, this.offsets[id + 1]!);
    return out;
  }

  /** Every entry as a JS string, by id. */
  strings(): string[] {
    const out: string[] = new Array(this.size);
    for (let id = 0; id < this.size; id++)
      out[id] = decoder.decode(this.pool.subarray(this.offsets[id]!, this.offsets[id + 1]!));
    return out;
  }

  private equals(id: number, b: Uint8Array, s: number, e: number): boolean {
    const from = this.offsets[id]!;
    if (this.offsets[id + 1]! - from !== e - s) return false;
    const pool = this.pool;
    for (let k = 0; k < e - s; k++) if (pool[from + k] !== b[s + k]) return false;
    return true;
  }

  private place(id: number, h: number): void {
    const mask = this.table.length - 1;
    let slot = h & mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & mask;
    this.table[slot] = id + 1;
  }

  private rehash(): void {
    this.table = new Int32Array(this.table.length * 2);
    for (let id = 0; id < this.size; id++) this.place(id, this.hashes[id]!);
  }
}

/** FNV-1a over `b[s … e)`. */
function hashOf(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h;
}

/** The typed arrays number stores keep their values in. */
type NumberArray = Float64Array | Int32Array | BigInt64Array;

/**
 * Numbers in one typed array with a null flag per row. `values()` hands over an array (null for
 * null; bigints for INT64 columns): hyparquet-writer 0.17 walks each column several times and,
 * given a typed array, boxes every value again on each pass; measured, arrays cost it fewer
 * instructions on Node 20 and the same on Node 22 (docs/benchmarks.md, round 5a).
 */
class TypedStore<A extends NumberArray> implements ColumnStore {
  protected data: A;
  private nulls = new Uint8Array(INITIAL_ROWS);
  protected rows = 0;

  constructor(
    protected readonly kind: 'int32' | 'int64' | 'double',
    private readonly make: (n: number) => A,
  ) {
    this.data = make(INITIAL_ROWS);
  }

  get bytes(): number {
    return this.data.byteLength + this.nulls.byteLength;
  }

  push(value: unknown): number {
    const row = this.rows++;
    let added = 0;
    if (row >= this.data.length) {
      const before = this.bytes;
      this.data = grow(this.data, row + 1, this.make);
      this.nulls = grow(this.nulls, row + 1, (n) => new Uint8Array(n));
      this.grown();
      added = this.bytes - before;
    }
    if (value === null || value === undefined) {
      this.nulls[row] = 1;
    } else this.set(row, value);
    return added;
  }

  typed(): TypedColumn {
    const nulls = this.nulls.subarray(0, this.rows);
    return {
      kind: this.kind,
      values: this.data.subarray(0, this.rows),
      ...(nulls.includes(1) ? { nulls } : {}),
    } as TypedColumn;
  }

  values(): unknown[] {
    const { data, nulls } = this;
    const out: unknown[] = new Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = nulls[i] ? null : data[i];
    return out;
  }

  /** Store a non-null value at `row`. */
  protected set(row: number, value: unknown): void {
    this.data[row] = value as never;
  }
  /** Called after `data` was replaced by a bigger array. */
  protected grown(): void {}
}

const TWO_32 = 4294967296;

/**
 * Bigints and timestamps (ms since epoch) in a `BigInt64Array`. A value may come as a bigint or
 * as a safe-integer number (the coercers give short ids and every timestamp as numbers): a number
 * is written as its two 32-bit halves, so no `BigInt` is made for it on the way to the writer.
 */
class Int64Store extends TypedStore<BigInt64Array> {
  private halves: Uint32Array;

  constructor() {
    super('int64', (n) => new BigInt64Array(n));
    this.halves = new Uint32Array(this.data.buffer);
  }
  protected override grown(): void {
    this.halves = new Uint32Array(this.data.buffer);
  }
  protected override set(row: number, value: unknown): void {
    if (typeof value === 'bigint') {
      this.data[row] = value;
      return;
    }
    setInt64(this.halves, row, value as number);
  }
}

if (endianness() !== 'LE') throw new Error('the column stores assume a little-endian platform');

/**
 * Write the safe integer `v` as element `i` of the `BigInt64Array` whose 32-bit view is `halves`
 * (little-endian, as on x64 and arm64): exact, and no `BigInt` made.
 */
export function setInt64(halves: Uint32Array, i: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  halves[2 * i] = v - hi * TWO_32;
  halves[2 * i + 1] = hi >>> 0;
}

class ArrayStore implements ColumnStore {
  private data: unknown[] = [];

  get bytes(): number {
    return this.data.length * 32; // a pointer plus a small heap value, roughly
  }

  push(value: unknown): number {
    this.data.push(value);
    return 32;
  }

  values(): unknown[] {
    return this.data;
  }

  typed(): undefined {
    return undefined; // booleans and decimals go through encodeParquet
  }
}
