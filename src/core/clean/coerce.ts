import type { ColumnSpec, ColumnType } from '../contract/types.js';
import {
  parseIsoDate,
  parseIsoDateBytes,
  parseIsoTimestamp,
  parseIsoTimestampBytes,
} from './isoTime.js';
import { decodeRange } from './utf8Text.js';
import { compilePatternDate, compilePatternTimestamp } from './patternTime.js';
import { decimalParts, parseDecimal } from './decimal.js';

/** Returned by a coercer when the text is not a value of the column's type. */
export const NOT_TYPE: unique symbol = Symbol('not-type');
/** Returned by a coercer when the text is of the type but outside what the type can hold. */
export const OUT_OF_RANGE: unique symbol = Symbol('out-of-range');

/** Turns trimmed, non-null text into the column's value (see `encodeParquet` for the JS types). */
export type Coerce = (text: string) => unknown;

const INT_TEXT = /^[+-]?\d+$/;

/**
 * The value of `[+-]?` and 1 to 15 ASCII digits (exact as a double) in `b[s … e)`, or NaN for
 * anything else, which then takes the general path. One pass over the bytes: no string, no regex.
 */
function shortInteger(b: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n === 0 || n > 16) return NaN;
  let i = s;
  const sign = b[s];
  if (sign === 43 || sign === 45) i++; // + -
  if (i === e || e - i > 15) return NaN;
  let v = 0;
  for (; i < e; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return sign === 45 ? -v : v;
}
const DOUBLE_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const BOOLEANS = new Map<string, boolean>([
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
  ['yes', true],
  ['no', false],
]);

/** Human name of what a column accepts, for messages. */
export function describeType(column: ColumnSpec): string {
  const formats = column.formats ?? ['iso8601'];
  if (column.type === 'date' || column.type === 'timestamp')
    return `${column.type} (${formats.join(' | ')})`;
  if (column.type === 'int') return 'int (32-bit)';
  return column.type;
}

/** Compile the coercer of one column, once per contract. */
export function compileCoercer(column: ColumnSpec): Coerce {
  const type: ColumnType = column.type;
  switch (type) {
    case 'string':
      return (t) => t;
    case 'int':
      return (t) => {
        if (!INT_TEXT.test(t)) return NOT_TYPE;
        const v = Number(t);
        return v >= -2147483648 && v <= 2147483647 ? v : OUT_OF_RANGE;
      };
    case 'bigint':
      return (t) => {
        if (!INT_TEXT.test(t)) return NOT_TYPE;
        const v = BigInt(t);
        return v >= INT64_MIN && v <= INT64_MAX ? v : OUT_OF_RANGE;
      };
    case 'double':
      return (t) => {
        if (!DOUBLE_TEXT.test(t)) return NOT_TYPE;
        const v = Number(t);
        return Number.isFinite(v) ? v : OUT_OF_RANGE;
      };
    case 'boolean':
      return (t) => {
        const v = BOOLEANS.get(t) ?? BOOLEANS.get(t.toLowerCase());
        return v === undefined ? NOT_TYPE : v;
      };
    case 'date':
      return firstOf(
        (column.formats ?? ['iso8601']).map((f) =>
          f === 'iso8601' ? parseIsoDate : compilePatternDate(f),
        ),
      );
    case 'timestamp':
      return firstOf(
        (column.formats ?? ['iso8601']).map((f) =>
          f === 'iso8601' ? parseIsoTimestamp : compilePatternTimestamp(f),
        ),
      );
  }
  const dec = decimalParts(type);
  if (!dec) throw new Error(`no coercer for type ${type}`);
  const { precision, scale } = dec;
  return (t) => {
    const v = parseDecimal(t, precision, scale);
    if (typeof v === 'bigint') return v;
    return v === 'range' ? OUT_OF_RANGE : NOT_TYPE;
  };
}

/** Turns trimmed, non-null UTF-8 `b[s … e)` into the column's value, like `Coerce` does its text. */
export type CoerceBytes = (b: Uint8Array, s: number, e: number) => unknown;

/**
 * The coercer of one column over UTF-8 bytes: ints, bigints and ISO-8601 dates and timestamps are
 * read straight from the bytes; anything else (and what those fast paths refuse, such as a
 * 19-digit bigint) is decoded and handed to `compileCoercer`'s coercer, so both agree.
 */
export function compileByteCoercer(column: ColumnSpec): CoerceBytes {
  const coerce = compileCoercer(column);
  const slow: CoerceBytes = (b, s, e) => coerce(decodeRange(b, s, e));
  const formats = column.formats ?? ['iso8601'];
  // ISO first (the default and the usual first choice): the bytes are tried before the text is
  // decoded for the other formats, in the same order `compileCoercer` tries them.
  const isoFirst = formats[0] === 'iso8601';
  const isoOnly = formats.every((f) => f === 'iso8601');
  switch (column.type) {
    case 'int':
      return (b, s, e) => {
        const v = shortInteger(b, s, e);
        if (v !== v) return slow(b, s, e); // NaN: not a short integer
        return v >= -2147483648 && v <= 2147483647 ? v : OUT_OF_RANGE;
      };
    case 'bigint':
      return (b, s, e) => {
        const v = shortInteger(b, s, e);
        // ≤ 15 digits: exact as a number, which the column store writes without making a BigInt.
        return v === v ? v : slow(b, s, e);
      };
    case 'timestamp':
    case 'date': {
      if (!isoFirst) return slow;
      const iso = column.type === 'date' ? parseIsoDateBytes : parseIsoTimestampBytes;
      return (b, s, e) => {
        const v = iso(b, s, e);
        if (v === v) return v;
        return isoOnly ? NOT_TYPE : slow(b, s, e);
      };
    }
    default:
      return slow;
  }
}

/** Try parsers in order; the first non-NaN result wins. */
function firstOf(parsers: ((text: string) => number)[]): Coerce {
  if (parsers.length === 1) {
    const only = parsers[0]!;
    return (t) => {
      const v = only(t);
      return Number.isNaN(v) ? NOT_TYPE : v;
    };
  }
  return (t) => {
    for (const p of parsers) {
      const v = p(t);
      if (!Number.isNaN(v)) return v;
    }
    return NOT_TYPE;
  };
}
