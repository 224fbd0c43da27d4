import type { ColumnType } from '../contract/types.js';

/**
 * Held values of one column in flat typed memory: strings as UTF-8 bytes in one growing buffer,
 * numbers in a `Float64Array`, bigints in a `BigInt64Array`, a null flag per row. No per-value
 * heap objects survive between flushes, so the garbage collector has little to trace, substrings
 * never pin the CSV blocks they were cut from, and `bytes` is the memory really allocated.
 */
export interface ColumnStore {
  /** Append one value (of the column's JS type, see `encodeParquet`) or null; returns the bytes newly allocated. */
  push(value: unknown): number;
  /** The held values as `encodeParquet` takes them (strings as UTF-8 `Uint8Array` views). */
  values(): unknown[];
  /** Bytes allocated by this store. */
  readonly bytes: number;
}

const INITIAL_ROWS = 256;
const encoder = new TextEncoder();

/** A store for values of `type`. */
export function columnStore(type: ColumnType): ColumnStore {
  switch (type) {
    case 'string':
      return new Utf8Store();
    case 'int':
    case 'double':
    case 'date':
    case 'timestamp':
      return new NumberStore();
    case 'bigint':
      return new BigIntStore();
    default:
      // boolean, decimal (bigint unscaled, possibly beyond 64 bits): rare; held as they are.
      return new ArrayStore();
  }
}

/** Grows a typed array to hold at least `need` elements (doubling). */
function grow<T extends Uint8Array | Int32Array | Float64Array | BigInt64Array>(
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

class Utf8Store implements ColumnStore {
  private data = new Uint8Array(INITIAL_ROWS * 16);
  private used = 0;
  /** ends[i] is the end of value i; value i starts at ends[i - 1] (or 0). */
  private ends = new Int32Array(INITIAL_ROWS);
  private nulls = new Uint8Array(INITIAL_ROWS);
  private rows = 0;

  get bytes(): number {
    return this.data.byteLength + this.ends.byteLength + this.nulls.byteLength;
  }

  push(value: unknown): number {
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
      this.ends[row] = this.used;
      return added;
    }
    const s = value as string;
    const n = s.length;
    const start = this.used;
    if (start + n * 3 > this.data.length) {
      added -= this.data.byteLength;
      this.data = grow(this.data, start + n * 3, (m) => new Uint8Array(m));
      added += this.data.byteLength;
    }
    const data = this.data;
    let pos = start;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        // Not ASCII: let the encoder write the whole value (room for 3 bytes per unit is there).
        pos = start + encoder.encodeInto(s, data.subarray(start)).written;
        break;
      }
      data[pos++] = c;
    }
    this.nulls[row] = 0;
    this.ends[row] = pos;
    this.used = pos;
    return added;
  }

  values(): unknown[] {
    const out: unknown[] = new Array(this.rows);
    const { data, ends, nulls } = this;
    let start = 0;
    for (let i = 0; i < this.rows; i++) {
      const end = ends[i]!;
      out[i] = nulls[i] ? null : data.subarray(start, end);
      start = end;
    }
    return out;
  }
}

class NumberStore implements ColumnStore {
  private data = new Float64Array(INITIAL_ROWS);
  private nulls = new Uint8Array(INITIAL_ROWS);
  private rows = 0;

  get bytes(): number {
    return this.data.byteLength + this.nulls.byteLength;
  }

  push(value: unknown): number {
    const row = this.rows++;
    let added = 0;
    if (row >= this.data.length) {
      const before = this.bytes;
      this.data = grow(this.data, row + 1, (n) => new Float64Array(n));
      this.nulls = grow(this.nulls, row + 1, (n) => new Uint8Array(n));
      added = this.bytes - before;
    }
    if (value === null || value === undefined) this.nulls[row] = 1;
    else this.data[row] = value as number;
    return added;
  }

  values(): unknown[] {
    const out: unknown[] = new Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.nulls[i] ? null : this.data[i];
    return out;
  }
}

class BigIntStore implements ColumnStore {
  private data = new BigInt64Array(INITIAL_ROWS);
  private nulls = new Uint8Array(INITIAL_ROWS);
  private rows = 0;

  get bytes(): number {
    return this.data.byteLength + this.nulls.byteLength;
  }

  push(value: unknown): number {
    const row = this.rows++;
    let added = 0;
    if (row >= this.data.length) {
      const before = this.bytes;
      this.data = grow(this.data, row + 1, (n) => new BigInt64Array(n));
      this.nulls = grow(this.nulls, row + 1, (n) => new Uint8Array(n));
      added = this.bytes - before;
    }
    if (value === null || value === undefined) this.nulls[row] = 1;
    else this.data[row] = value as bigint; // coerced bigints are range-checked to INT64
    return added;
  }

  values(): unknown[] {
    const out: unknown[] = new Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.nulls[i] ? null : this.data[i];
    return out;
  }
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
}
