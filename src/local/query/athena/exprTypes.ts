/**
 * Trino types of expressions where the parse tree alone tells them: literals, casts, columns of
 * catalog tables, and the arithmetic and aggregates over them. Undefined means "not known here";
 * the rewrite then leaves the choice to DuckDB's typed macros.
 */
import type { AstNode, DuckType } from './duckAst.js';
import { trinoTypeOfDuck } from './trinoTypes.js';

/** Columns visible to a query: by `qualifier.column` and by bare column (when unambiguous). */
export interface ColumnScope {
  qualified: Map<string, string>;
  bare: Map<string, string | null>;
}

const INTEGER_RANK: Record<string, number> = { tinyint: 1, smallint: 2, integer: 3, bigint: 4 };
const INTEGER_DIGITS: Record<string, number> = { tinyint: 3, smallint: 5, integer: 10, bigint: 19 };

/** `decimal(p,s)` as numbers, integers as decimal(n,0), else undefined. */
export function decimalOf(type: string | undefined): { p: number; s: number } | undefined {
  if (!type) return undefined;
  const m = /^decimal\((\d+),(\d+)\)$/.exec(type);
  if (m) return { p: Number(m[1]), s: Number(m[2]) };
  const digits = INTEGER_DIGITS[type];
  return digits ? { p: digits, s: 0 } : undefined;
}

export const isInteger = (t: string | undefined): boolean => !!t && t in INTEGER_RANK;
export const isDecimal = (t: string | undefined): boolean => !!t && t.startsWith('decimal(');
export const isVarchar = (t: string | undefined): boolean => !!t && t.startsWith('varchar');
export const isNumeric = (t: string | undefined): boolean =>
  isInteger(t) || isDecimal(t) || t === 'double' || t === 'real';

function widerInteger(a: string, b: string): string {
  return INTEGER_RANK[a]! >= INTEGER_RANK[b]! ? a : b;
}

/** Trino's type for a serialized DuckDB type (a cast target or a literal). */
export function trinoOfDuckType(t: DuckType): string {
  if (t.id === 'DECIMAL') return `decimal(${t.type_info?.width ?? 18},${t.type_info?.scale ?? 3})`;
  if (t.id === 'TIMESTAMP WITH TIME ZONE' || t.id === 'TIMESTAMP_TZ')
    return 'timestamp(3) with time zone';
  if (t.id === 'INTERVAL') return 'interval day to second';
  return trinoTypeOfDuck(t.id);
}

/** Trino's result type of arithmetic `op` over `a` and `b`, where it follows from them. */
export function arithmeticType(op: string, a?: string, b?: string): string | undefined {
  if (!a || !b) return undefined;
  if (isInteger(a) && isInteger(b)) return widerInteger(a, b);
  if (a === 'double' || b === 'double') return isNumeric(a) && isNumeric(b) ? 'double' : undefined;
  if (isDecimal(a) || isDecimal(b)) {
    const x = decimalOf(a);
    const y = decimalOf(b);
    if (!x || !y) return undefined;
    let p: number;
    let s: number;
    if (op === '*') {
      p = x.p + y.p;
      s = x.s + y.s;
    } else if (op === '/') {
      p = x.p + y.s + Math.max(y.s - x.s, 0);
      s = Math.max(x.s, y.s);
    } else if (op === '+' || op === '-') {
      s = Math.max(x.s, y.s);
      p = Math.max(x.p - x.s, y.p - y.s) + s + 1;
    } else return undefined;
    return `decimal(${Math.min(38, p)},${s})`;
  }
  return undefined;
}

/** Trino's type of a node, given the types already found for its children. */
export function typeOfNode(
  n: AstNode,
  childType: (c: AstNode | undefined) => string | undefined,
  scope: ColumnScope,
): string | undefined {
  switch (n.class) {
    case 'CONSTANT': {
      const v = n.value;
      if (!v || v.is_null) return 'unknown';
      if (v.type.id === 'VARCHAR') return `varchar(${[...String(v.value)].length})`;
      return trinoOfDuckType(v.type);
    }
    case 'CAST':
      return n.cast_type ? trinoOfDuckType(n.cast_type) : undefined;
    case 'COLUMN_REF': {
      const names = (n.column_names ?? []).map((s) => s.toLowerCase());
      if (names.length >= 2) return scope.qualified.get(names.slice(-2).join('.'));
      return scope.bare.get(names[0]!) ?? undefined;
    }
    case 'FUNCTION':
    case 'WINDOW':
      return functionType(n, childType);
    case 'CASE': {
      const checks = (n.case_checks as Array<{ then_expr: AstNode }> | undefined) ?? [];
      return childType(checks[0]?.then_expr);
    }
    default:
      return undefined;
  }
}

/** Scalar functions whose result is a varchar (or a bigint) whatever their arguments. */
const VARCHAR_FUNCTIONS = new Set([
  'upper',
  'lower',
  'trim',
  'ltrim',
  'rtrim',
  'substr',
  'substring',
  'replace',
  'lpad',
  'rpad',
  'reverse',
  'split_part',
  'regexp_extract',
  'regexp_replace',
  'format',
  'date_format',
  'format_datetime',
  'json_extract_scalar',
  'json_format',
  'to_iso8601',
  'to_hex',
  'chr',
  'concat_ws',
  'array_join',
  'url_extract_host',
  'url_extract_path',
  'url_extract_parameter',
]);
const BIGINT_FUNCTIONS = new Set([
  'length',
  'strpos',
  'minute',
  'second',
  'millisecond',
  'day_of_week',
  'dow',
  'day_of_year',
  'doy',
  'week',
  'week_of_year',
  'cardinality',
  'json_array_length',
  'regexp_count',
]);

function functionType(
  n: AstNode,
  childType: (c: AstNode | undefined) => string | undefined,
): string | undefined {
  const name = (n.function_name ?? '').toLowerCase();
  const args = n.children ?? [];
  const [a, b] = [childType(args[0]), childType(args[1])];
  switch (name) {
    case '+':
    case '-':
      if (args.length === 1) return a;
      if ((a === 'date' || a?.startsWith('timestamp')) && b?.startsWith('interval')) return a;
      return arithmeticType(name, a, b);
    case '*':
    case '/':
    case 'athena_div':
      return arithmeticType(name === 'athena_div' ? '/' : name, a, b);
    case 'sum':
      if (isInteger(a)) return 'bigint';
      if (isDecimal(a)) return `decimal(38,${decimalOf(a)!.s})`;
      return a === 'double' || a === 'real' ? 'double' : undefined;
    case 'avg':
      if (isDecimal(a)) return a;
      return isNumeric(a) ? 'double' : undefined;
    case 'min':
    case 'max':
    case 'any_value':
    case 'arbitrary':
    case 'abs':
    case 'coalesce':
      return a;
    case 'round': {
      // Trino: round(decimal(p,s), d) is decimal(p+1,s); round(decimal(p,s)) decimal(p-s+min(s,1),0).
      const d = decimalOf(a);
      if (!isDecimal(a) || !d) return a;
      return args.length > 1
        ? `decimal(${Math.min(38, d.p + 1)},${d.s})`
        : `decimal(${Math.min(38, d.p - d.s + Math.min(d.s, 1))},0)`;
    }
    case 'count':
    case 'count_star':
    case 'approx_distinct':
    case 'row_number':
    case 'rank':
    case 'dense_rank':
    case 'ntile':
      return 'bigint';
    case 'lag':
    case 'lead':
    case 'first_value':
    case 'last_value':
    case 'nth_value':
      return a;
    case 'current_date':
    case 'today':
    case 'date':
    case 'from_iso8601_date':
      return 'date';
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'quarter':
    case 'date_sub':
    case 'date_diff':
      return 'bigint';
    case 'date_trunc':
    case 'athena_date_trunc':
      return b;
    case 'json_extract':
    case 'json_parse':
      return 'json';
    case 'to_days':
    case 'to_hours':
    case 'to_minutes':
    case 'to_seconds':
    case 'to_milliseconds':
    case 'to_microseconds':
    case 'to_weeks':
      return 'interval day to second';
    case 'to_months':
    case 'to_years':
      return 'interval year to month';
    case 'greatest':
    case 'least':
      return args.every((c) => childType(c) === a) ? a : undefined;
    default:
      if (VARCHAR_FUNCTIONS.has(name)) return 'varchar';
      if (BIGINT_FUNCTIONS.has(name)) return 'bigint';
      return undefined;
  }
}
