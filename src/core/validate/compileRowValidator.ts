import type { Contract, RowRule } from '../contract/types.js';
import { dialectOf } from '../contract/dialect.js';
import { compileCoercer, describeType, NOT_TYPE, OUT_OF_RANGE } from '../clean/coerce.js';
import type { Coerce } from '../clean/coerce.js';
import { compileColumnCheck, quoteText } from './compileColumnCheck.js';
import type { ColumnCheck } from './compileColumnCheck.js';
import type { RowIssue } from './types.js';

/** Cleans, coerces and validates rows of one contract; compiled once per contract. */
export interface RowValidator {
  /**
   * Check the raw fields of one record. Fills `values` (coerced, null for null) and `texts`
   * (trimmed raw text, null for a missing field) and returns the issues, or null when the row is
   * clean. Duplicate keys and partition nulls are the caller's (they need state or the partition).
   */
  check(fields: string[], values: unknown[], texts: (string | null)[]): RowIssue[] | null;
}

interface CompiledColumn {
  name: string;
  nullable: boolean;
  coerce: Coerce;
  check: ColumnCheck | undefined;
  expected: string;
}

/** Compile the per-column coercers, constraint checks and row rules of a contract. */
export function compileRowValidator(contract: Contract): RowValidator {
  const nulls = new Set(dialectOf(contract).nullMarkers);
  // A field longer than every null marker is not one: no hash of the whole field for the Set lookup.
  const longestNull = Math.max(0, ...[...nulls].map((m) => m.length));
  const columns: CompiledColumn[] = contract.columns.map((c) => ({
    name: c.name,
    nullable: c.nullable ?? true,
    coerce: compileCoercer(c),
    check: compileColumnCheck(c),
    expected: describeType(c),
  }));
  const width = columns.length;
  const index = new Map(contract.columns.map((c, i) => [c.name, i]));
  const rules = (contract.rules ?? []).map((r) =>
    compileRule(r, index.get(r.column)!, index.get(r.otherColumn)!),
  );

  return {
    check(fields, values, texts) {
      let issues: RowIssue[] | null = null;
      if (fields.length !== width) {
        for (let i = 0; i < width; i++) {
          const f = fields[i];
          texts[i] = f === undefined ? null : f.trim();
          values[i] = null;
        }
        return [
          {
            code: 'column_count',
            column: null,
            message: `expected ${width} fields, found ${fields.length}`,
          },
        ];
      }
      for (let i = 0; i < width; i++) {
        const col = columns[i]!;
        const text = fields[i]!.trim();
        texts[i] = text;
        if (text.length <= longestNull && nulls.has(text)) {
          values[i] = null;
          if (!col.nullable)
            (issues ??= []).push({
              code: 'required',
              column: col.name,
              message: `${col.name} is required`,
            });
          continue;
        }
        const v = col.coerce(text);
        if (v === NOT_TYPE || v === OUT_OF_RANGE) {
          values[i] = null;
          (issues ??= []).push(
            v === NOT_TYPE
              ? {
                  code: 'type',
                  column: col.name,
                  message: `${quoteText(text)} is not a valid ${col.expected}`,
                }
              : {
                  code: 'range',
                  column: col.name,
                  message: `${quoteText(text)} does not fit ${col.expected}`,
                },
          );
          continue;
        }
        values[i] = v;
        if (col.check) {
          const issue = col.check(v, text);
          if (issue) (issues ??= []).push(issue);
        }
      }
      for (const rule of rules) {
        const issue = rule(values);
        if (issue) (issues ??= []).push(issue);
      }
      return issues;
    },
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
