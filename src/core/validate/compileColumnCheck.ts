import type { ColumnSpec } from '../contract/types.js';
import { decimalParts, parseDecimal } from '../clean/decimal.js';
import { parseIsoDate, parseIsoTimestamp } from '../clean/isoTime.js';
import type { RowIssue } from './types.js';
import { decodeRange, utf16Length } from '../clean/utf8Text.js';
import { isEmailBytes } from './emailBytes.js';

/** Checks a coerced value (and its trimmed text) against a column's constraints; null when fine. */
export type ColumnCheck = (value: unknown, text: string) => RowIssue | null;

// The WHATWG (HTML) e-mail syntax, requiring a dot in the domain.
export const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Quote a value for a message, cut short so a 1 MB field does not make a 1 MB message. */
export function quoteText(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/** Compile the constraint checks of one column, or undefined when it has none. */
export function compileColumnCheck(column: ColumnSpec): ColumnCheck | undefined {
  const checks: ColumnCheck[] = [];
  const name = column.name;
  const { minLength, maxLength } = column;
  if (minLength !== undefined || maxLength !== undefined) {
    checks.push((_v, t) => lengthIssue(column, t.length));
  }
  if (column.pattern !== undefined) {
    const re = new RegExp(column.pattern);
    checks.push((_v, t) =>
      re.test(t)
        ? null
        : {
            code: 'pattern',
            column: name,
            message: `${quoteText(t)} does not match /${column.pattern}/`,
          },
    );
  }
  if (column.format === 'email') {
    checks.push((_v, t) => (EMAIL.test(t) ? null : emailIssue(name, t)));
  }
  if (column.enum !== undefined) {
    const allowed = new Set(column.enum);
    checks.push((_v, t) =>
      allowed.has(t)
        ? null
        : {
            code: 'enum',
            column: name,
            message: `${quoteText(t)} is not one of ${column.enum!.join(', ')}`,
          },
    );
  }
  const min = column.min === undefined ? undefined : boundValue(column, column.min);
  const max = column.max === undefined ? undefined : boundValue(column, column.max);
  if (min !== undefined || max !== undefined) {
    checks.push((v, t) =>
      (min !== undefined && (v as number) < min) || (max !== undefined && (v as number) > max)
        ? {
            code: 'range',
            column: name,
            message: `${quoteText(t)} outside ${column.min ?? '-∞'}..${column.max ?? '∞'}`,
          }
        : null,
    );
  }
  if (checks.length === 0) return undefined;
  if (checks.length === 1) return checks[0];
  return (v, t) => {
    for (const check of checks) {
      const issue = check(v, t);
      if (issue) return issue;
    }
    return null;
  };
}

/**
 * The checks of a string column that can run on its UTF-8 bytes (length, e-mail), so its values
 * never become JS strings; undefined when the column needs its text (a pattern, an enum, bounds).
 */
export function compileStringBytesCheck(column: ColumnSpec): ByteCheck | undefined {
  const { minLength, maxLength, name } = column;
  if (column.type !== 'string' || column.pattern !== undefined || column.enum !== undefined)
    return undefined;
  if (column.min !== undefined || column.max !== undefined) return undefined;
  const lengths = minLength !== undefined || maxLength !== undefined;
  const email = column.format === 'email';
  return (b, s, e) => {
    if (lengths) {
      const issue = lengthIssue(column, utf16Length(b, s, e));
      if (issue) return issue;
    }
    if (email && !isEmailBytes(b, s, e)) return emailIssue(name, decodeRange(b, s, e));
    return null;
  };
}

/** Checks UTF-8 `b[s … e)` (trimmed, not null); null when fine. */
export type ByteCheck = (b: Uint8Array, s: number, e: number) => RowIssue | null;

/** The issue of a text `length` (UTF-16 units) outside the column's bounds, else null. */
function lengthIssue(column: ColumnSpec, length: number): RowIssue | null {
  const { minLength, maxLength } = column;
  if (
    (minLength === undefined || length >= minLength) &&
    (maxLength === undefined || length <= maxLength)
  )
    return null;
  return {
    code: 'length',
    column: column.name,
    message: `length ${length} outside ${minLength ?? 0}..${maxLength ?? '∞'}`,
  };
}

function emailIssue(column: string, text: string): RowIssue {
  return { code: 'format', column, message: `${quoteText(text)} is not an e-mail address` };
}

/** A contract bound in the column's value representation (so it compares with coerced values). */
function boundValue(column: ColumnSpec, bound: number | string): number | bigint {
  const t = column.type;
  if (t === 'date') return parseIsoDate(String(bound));
  if (t === 'timestamp') return parseIsoTimestamp(String(bound));
  if (t === 'bigint') return BigInt(String(bound));
  const dec = decimalParts(t);
  if (dec) {
    const v = parseDecimal(String(bound), 38, dec.scale);
    if (typeof v !== 'bigint') throw new Error(`bad bound ${bound} for ${t}`);
    return v;
  }
  return Number(bound);
}
