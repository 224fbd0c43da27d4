import type { Contract, RowRule } from '../contract/types.js';
import { dialectOf } from '../contract/dialect.js';
import type { FieldBlock } from '../csv/fieldBlock.js';
import { compileByteCoercer, describeType, NOT_TYPE, OUT_OF_RANGE } from '../clean/coerce.js';
import type { CoerceBytes } from '../clean/coerce.js';
import { decodeRange, trimEnd, trimStart } from '../clean/utf8Text.js';
import { compileColumnCheck, compileStringBytesCheck, quoteText } from './compileColumnCheck.js';
import type { ByteCheck, ColumnCheck } from './compileColumnCheck.js';
import type { RowIssue } from './types.js';

/**
 * The value the validator leaves for a string column it checked on its bytes alone: the caller
 * copies the bytes of the field's span (see `RowValidator.check`) instead of a JS string.
 */
export const IN_BLOCK: unique symbol = Symbol('in-block');

/** Cleans, coerces and validates the records of one contract; compiled once per contract. */
export interface RowValidator {
  /**
   * Check record `r` of `block`. Fills `values` (coerced, null for null, `IN_BLOCK` for a string
   * left in the block) and `spans` (the trimmed field of column i is `block.bytes[spans[2i] …
   * spans[2i + 1])`), and returns the issues, or null when the row is clean. Duplicate keys and
   * partition nulls are the caller's (they need state or the partition).
   */
  check(block: FieldBlock, r: number, values: unknown[], spans: Int32Array): RowIssue[] | null;
  /** The trimmed text of each column of record `r` (null for a missing field), for a rejected row. */
  texts(block: FieldBlock, r: number, out: (string | null)[]): void;
}

interface CompiledColumn {
  name: string;
  nullable: boolean;
  /** For a string column checked on its bytes: the check (null: none); the value stays `IN_BLOCK`. */
  bytesCheck: ByteCheck | null | undefined;
  coerce: CoerceBytes;
  check: ColumnCheck | undefined;
  /** The check tests the text itself (not only the value): a non-string's text is decoded first. */
  textForTest: boolean;
  expected: string;
}

/** Compile the per-column coercers, constraint checks and row rules of a contract. */
export function compileRowValidator(contract: Contract): RowValidator {
  const isNull = nullMarkerTest(dialectOf(contract).nullMarkers);
  // Columns whose values rules or the primary key compare must be real values, not spans.
  const compared = new Set([
    ...(contract.primaryKey ?? []),
    ...(contract.rules ?? []).flatMap((r) => [r.column, r.otherColumn]),
  ]);
  const columns: CompiledColumn[] = contract.columns.map((c) => {
    const bytesCheck = compared.has(c.name) ? undefined : compileStringBytesCheck(c);
    return {
      name: c.name,
      nullable: c.nullable ?? true,
      bytesCheck: bytesCheck && (isNoCheck(c) ? null : bytesCheck),
      coerce: compileByteCoercer(c),
      check: compileColumnCheck(c),
      textForTest:
        c.pattern !== undefined ||
        c.enum !== undefined ||
        c.minLength !== undefined ||
        c.maxLength !== undefined ||
        c.format !== undefined,
      expected: describeType(c),
    };
  });
  const width = columns.length;
  const index = new Map(contract.columns.map((c, i) => [c.name, i]));
  const rules = (contract.rules ?? []).map((r) =>
    compileRule(r, index.get(r.column)!, index.get(r.otherColumn)!),
  );

  return {
    check(block, r, values, spans) {
      const bytes = block.bytes;
      const first = block.fieldStart[r]!;
      const count = block.fieldStart[r + 1]! - first;
      if (count !== width) {
        for (let i = 0; i < width; i++) values[i] = null;
        const message = `expected ${width} fields, found ${count}`;
        return [{ code: 'column_count', column: null, message }];
      }
      let issues: RowIssue[] | null = null;
      for (let i = 0; i < width; i++) {
        const col = columns[i]!;
        const s = trimStart(bytes, block.starts[first + i]!, block.ends[first + i]!);
        const e = trimEnd(bytes, s, block.ends[first + i]!);
        spans[2 * i] = s;
        spans[2 * i + 1] = e;
        if (isNull(bytes, s, e)) {
          values[i] = null;
          if (!col.nullable)
            (issues ??= []).push({
              code: 'required',
              column: col.name,
              message: `${col.name} is required`,
            });
          continue;
        }
        if (col.bytesCheck !== undefined) {
          values[i] = IN_BLOCK;
          const issue = col.bytesCheck === null ? null : col.bytesCheck(bytes, s, e);
          if (issue) (issues ??= []).push(issue);
          continue;
        }
        const v = col.coerce(bytes, s, e);
        if (v === NOT_TYPE || v === OUT_OF_RANGE) {
          values[i] = null;
          const text = quoteText(decodeRange(bytes, s, e));
          (issues ??= []).push(
            v === NOT_TYPE
              ? {
                  code: 'type',
                  column: col.name,
                  message: `${text} is not a valid ${col.expected}`,
                }
              : {
                  code: 'range',
                  column: col.name,
                  message: `${text} does not fit ${col.expected}`,
                },
          );
          continue;
        }
        values[i] = v;
        if (col.check) {
          // Bounds on a number read its text only for the message: decode it for a failure only.
          const text = typeof v === 'string' ? v : col.textForTest ? decodeRange(bytes, s, e) : '';
          let issue = col.check(v, text);
          if (issue && typeof v !== 'string' && !col.textForTest)
            issue = col.check(v, decodeRange(bytes, s, e));
          if (issue) (issues ??= []).push(issue);
        }
      }
      for (const rule of rules) {
        const issue = rule(values);
        if (issue) (issues ??= []).push(issue);
      }
      return issues;
    },

    texts(block, r, out) {
      const first = block.fieldStart[r]!;
      const count = block.fieldStart[r + 1]! - first;
      for (let i = 0; i < width; i++) {
        const k = first + i;
        out[i] =
          i < count ? decodeRange(block.bytes, block.starts[k]!, block.ends[k]!).trim() : null;
      }
    },
  };
}

/** Whether a string column has no check at all (its bytes go to the store unread). */
function isNoCheck(c: Contract['columns'][number]): boolean {
  return c.minLength === undefined && c.maxLength === undefined && c.format === undefined;
}

/** A test of trimmed UTF-8 `b[s … e)` against the null markers, without decoding it. */
function nullMarkerTest(markers: string[]): (b: Uint8Array, s: number, e: number) => boolean {
  const encoded = [...new Set(markers)].map((m) => new TextEncoder().encode(m));
  const longest = Math.max(0, ...encoded.map((m) => m.length));
  return (b, s, e) => {
    const n = e - s;
    if (n > longest) return false; // most fields: longer than every marker
    for (const m of encoded) {
      if (m.length !== n) continue;
      let k = 0;
      while (k < n && b[s + k] === m[k]) k++;
      if (k === n) return true;
    }
    return false;
  };
}

/** A row rule over coerced values; a null on either side passes. */
function compileRule(rule: RowRule, a: number, b: number): (values: unknown[]) => RowIssue | null {
  const holds = comparator(rule.op);
  return (values) => {
    const x = values[a];
    const y = values[b];
    if (x === null || y === null || x === undefined || y === undefined) return null;
    if (holds(x as number, y as number)) return null;
    return {
      code: 'rule',
      column: rule.column,
      message:
        rule.message ?? `${rule.name}: ${rule.column} ${rule.op} ${rule.otherColumn} does not hold`,
    };
  };
}

function comparator(op: RowRule['op']): (x: number, y: number) => boolean {
  switch (op) {
    case '<':
      return (x, y) => x < y;
    case '<=':
      return (x, y) => x <= y;
    case '=':
      return (x, y) => x === y;
    case '!=':
      return (x, y) => x !== y;
    case '>=':
      return (x, y) => x >= y;
    case '>':
      return (x, y) => x > y;
  }
}
