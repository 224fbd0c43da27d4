/**
 * The typed rewrite of a parsed Athena statement into DuckDB: Trino functions renamed to the
 * macros of `macros.ts`, `/` and casts made to compute as Trino's, decimal division and `avg`
 * typed as Trino types them, and what Athena refuses refused with Athena's words.
 */
import { QueryError } from '../errors.js';
import { castNode, decimalType, functionNode, walk, NO_LOCATION, type AstNode } from './duckAst.js';
import {
  decimalOf,
  isDecimal,
  isInteger,
  isNumeric,
  isVarchar,
  typeOfNode,
  type ColumnScope,
} from './exprTypes.js';
import { jodaToStrftime, mysqlToStrftime } from './formats.js';

/** A catalog table as the rewrite needs it: its columns with their Trino types. */
export interface TableColumns {
  columns: Array<{ name: string; type: string }>;
}

/** Finds a table of the catalog by (schema, name); undefined for CTEs and unknown names. */
export type TableLookup = (schema: string, table: string) => TableColumns | undefined;

/** What the rewrite found: the tree changed or not, Hive objects the statement needs, names. */
export interface RewriteResult {
  changed: boolean;
  /** Catalog tables read through their `$hive` view (with `"$path"`, `"$file_modified_time"`). */
  hiveTables: Array<{ schema: string; table: string }>;
  /** Tables read as `"<table>$partitions"`. */
  partitionTables: Array<{ schema: string; table: string }>;
  usesInformationSchema: boolean;
}

/** The schema that holds the Trino-shaped information_schema views. */
export const INFORMATION_SCHEMA = '_athena_information_schema';
export const HIVE_SUFFIX = '$hive';
export const PARTITIONS_SUFFIX = '$partitions';
const PSEUDO_COLUMNS = new Set(['$path', '$file_modified_time']);

/** Trino names whose DuckDB namesake means something else, or which DuckDB spells otherwise. */
const RENAMES: Record<string, string> = {
  regexp_replace: 'athena_regexp_replace',
  regexp_extract: 'athena_regexp_extract',
  split_part: 'athena_split_part',
  concat: 'athena_concat',
  date_diff: 'date_sub',
  format: 'printf',
  if: 'athena_if',
  typeof: 'athena_typeof',
  element_at: 'athena_element_at',
  cardinality: 'athena_cardinality',
  md5: 'athena_md5',
  sha256: 'athena_sha256',
  to_hex: 'athena_to_hex',
  sequence: 'athena_sequence',
  map_agg: 'athena_map_agg',
  array_join: 'array_to_string',
  transform: 'list_transform',
  filter: 'list_filter',
  reduce: 'list_reduce',
  to_milliseconds: 'athena_to_milliseconds',
  arbitrary: 'any_value',
  replace: 'athena_replace',
  slice: 'athena_slice',
  array_max: 'list_max',
  array_distinct: 'athena_array_distinct',
  array_position: 'athena_array_position',
  array_remove: 'athena_array_remove',
  array_union: 'athena_array_union',
  array_except: 'athena_array_except',
  arrays_overlap: 'list_has_any',
  regexp_split: 'regexp_split_to_array',
  levenshtein_distance: 'levenshtein',
  hamming_distance: 'hamming',
  millisecond: 'athena_millisecond',
  is_nan: 'isnan',
  is_finite: 'isfinite',
  is_infinite: 'isinf',
  rand: 'random',
  truncate: 'trunc',
  from_hex: 'unhex',
  sha1: 'athena_sha1',
  array_min: 'list_min',
  array_sum: 'list_sum',
  array_average: 'list_avg',
  timezone: 'athena_at_time_zone',
};

/**
 * Typed macros (DuckDB picks the overload by argument type) cannot take an aggregate or window
 * argument: DuckDB binds those later. For those, the untyped form chosen by the known type.
 */
const TYPED: Record<string, { arg: number; byType: (t?: string) => string }> = {
  date_trunc: {
    arg: 1,
    byType: (t) => (t === 'date' ? 'athena_date_trunc_date' : 'athena_date_trunc_ts'),
  },
  date_add: {
    arg: 2,
    byType: (t) => (t === 'date' ? 'athena_date_add_date' : 'athena_date_add_ts'),
  },
  to_iso8601: {
    arg: 0,
    byType: (t) =>
      t === 'date'
        ? 'athena_to_iso8601_date'
        : t?.endsWith('with time zone')
          ? 'athena_to_iso8601_tz'
          : 'athena_to_iso8601_ts',
  },
};

const AGGREGATES = new Set([
  'sum',
  'avg',
  'count',
  'count_star',
  'min',
  'max',
  'any_value',
  'arbitrary',
  'array_agg',
  'list',
  'string_agg',
  'listagg',
  'bool_and',
  'bool_or',
  'every',
  'count_if',
  'max_by',
  'min_by',
  'stddev',
  'stddev_samp',
  'stddev_pop',
  'variance',
  'var_samp',
  'var_pop',
  'corr',
  'covar_samp',
  'covar_pop',
  'approx_distinct',
  'approx_count_distinct',
  'approx_percentile',
  'quantile_disc',
  'map_agg',
  'athena_map_agg',
  'histogram',
  'geometric_mean',
  'checksum',
  'bitwise_and_agg',
  'bitwise_or_agg',
]);

const COMPARISON_OPS: Record<string, string> = {
  COMPARE_EQUAL: '=',
  COMPARE_NOTEQUAL: '<>',
  COMPARE_LESSTHAN: '<',
  COMPARE_GREATERTHAN: '>',
  COMPARE_LESSTHANOREQUALTO: '<=',
  COMPARE_GREATERTHANOREQUALTO: '>=',
  COMPARE_DISTINCT_FROM: 'IS DISTINCT FROM',
};

/** Rewrite `root` (one statement's tree) in place. Throws `QueryError` where Athena refuses. */
export function rewriteStatement(root: AstNode, sql: string, lookup: TableLookup): RewriteResult {
  const result: RewriteResult = {
    changed: false,
    hiveTables: [],
    partitionTables: [],
    usesInformationSchema: false,
  };
  const scope = scopeOf(root, lookup, result);
  const types = new WeakMap<AstNode, string | undefined>();
  const typeOf = (n: AstNode | undefined) => (n ? types.get(n) : undefined);
  const refuse = (code: string, at: number | undefined, message: string): never => {
    throw new QueryError(`${code}: ${lineColumn(sql, at)}${message}`, { sql, code });
  };
  const replace = (target: AstNode, replacement: AstNode) => {
    const alias = target.alias;
    for (const key of Object.keys(target)) delete target[key];
    Object.assign(target, replacement, { alias: alias ?? '' });
    result.changed = true;
  };

  walk(root, (n) => {
    if (
      n.class === 'FUNCTION' ||
      n.class === 'WINDOW' ||
      n.class === 'CAST' ||
      n.class === 'COLUMN_REF' ||
      n.class === 'CONSTANT' ||
      n.class === 'CASE'
    )
      types.set(n, typeOfNode(n, typeOf, scope));
    if (n.class === 'COMPARISON' || n.class === 'BETWEEN' || n.class === 'OPERATOR')
      checkComparison(n, typeOf, refuse);
    if (n.class === 'FUNCTION') rewriteFunction(n, typeOf, refuse, replace, result);
    if (n.class === 'CAST') rewriteCast(n, typeOf, replace);
    if (n.type === 'SELECT_NODE') checkGroupByAlias(n, scope, refuse);
  });
  return result;
}

function rewriteFunction(
  n: AstNode,
  typeOf: (n: AstNode | undefined) => string | undefined,
  refuse: (code: string, at: number | undefined, message: string) => never,
  replace: (target: AstNode, replacement: AstNode) => void,
  result: RewriteResult,
): void {
  const name = (n.function_name ?? '').toLowerCase();
  const args = n.children ?? [];
  const [a, b] = [typeOf(args[0]), typeOf(args[1])];
  if (n.is_operator) {
    if (name === '||' && args.length === 2 && a && b) {
      const bad = (t: string) =>
        isNumeric(t) || t === 'date' || t.startsWith('timestamp') || t === 'boolean';
      if ((isVarchar(a) && bad(b)) || (isVarchar(b) && bad(a)))
        refuse(
          'FUNCTION_NOT_FOUND',
          n.query_location,
          `Unexpected parameters (${a}, ${b}) for function concat. Expected: concat(char(x), char(y)) , concat(array(E), E) E, concat(E, array(E)) E, concat(array(E)) E, concat(varchar) , concat(varbinary)`,
        );
    }
    if ((name === '+' || name === '-') && args.length === 2 && a && b) {
      const dateLike = (t: string) => t === 'date' || t.startsWith('timestamp');
      if ((dateLike(a) && isNumeric(b)) || (isNumeric(a) && dateLike(b)))
        refuse('TYPE_MISMATCH', n.query_location, `Cannot apply operator: ${a} ${name} ${b}`);
    }
    if ((name === '+' || name === '-') && a === 'date' && b?.startsWith('interval')) {
      replace(n, castNode({ ...n, alias: '' }, { id: 'DATE', type_info: null }));
      return;
    }
    if ((name === '+' || name === '-' || name === '*') && (isDecimal(a) || isDecimal(b))) {
      const type = typeOf(n);
      if (isDecimal(type)) {
        const { p, s } = decimalOf(type)!;
        replace(n, castNode({ ...n, alias: '' }, decimalType(p, s)));
      }
      return;
    }
    if (name === '/' && args.length === 2) {
      const type = typeOf(n);
      if (isDecimal(type) && (isDecimal(a) || isDecimal(b))) {
        const { p, s } = decimalOf(type)!;
        replace(
          n,
          castNode(functionNode('athena_decimal_div', args, n.query_location), decimalType(p, s)),
        );
      } else if (!args.some(hasAggregate)) {
        replace(n, functionNode('athena_div', args, n.query_location));
      }
    }
    return;
  }
  if (name === 'round' && isDecimal(a)) {
    const { p, s } = decimalOf(typeOf(n))!;
    replace(n, castNode({ ...n, alias: '' }, decimalType(p, s)));
    return;
  }
  if (name === 'avg' && isDecimal(a) && !n.distinct) {
    const { p, s } = decimalOf(a)!;
    const inner = { ...n, alias: '' };
    replace(n, castNode(inner, decimalType(p, s)));
    return;
  }
  if (name === 'concat')
    n.children = args.map((c) =>
      c.class === 'CONSTANT' && c.value?.is_null
        ? castNode(c, { id: 'VARCHAR', type_info: null })
        : c,
    );
  if (name === 'cardinality' && /map/i.test(args[0]?.function_name ?? '')) return;
  const format = formatRewrite(name, args);
  if (format) {
    replace(n, functionNode(format.name, format.args, n.query_location));
    return;
  }
  const typed = TYPED[name];
  if (typed) {
    const arg = args[typed.arg];
    const known = typeOf(arg);
    const macro =
      known || (arg && hasAggregate(arg))
        ? typed.byType(known)
        : name === 'date_trunc'
          ? 'athena_date_trunc'
          : name === 'date_add'
            ? 'athena_date_add'
            : 'to_iso8601';
    if (macro !== name) rename(n, macro, result);
    return;
  }
  const to = RENAMES[name];
  if (to && (name !== 'timezone' || n.schema === 'main' || n.schema === '')) {
    rename(n, to, result);
    n.schema = '';
  }
}

function rename(n: AstNode, name: string, result: RewriteResult): void {
  n.function_name = name;
  result.changed = true;
}

/** `date_format`/`date_parse`/`format_datetime`/`parse_datetime` with a literal pattern. */
function formatRewrite(
  name: string,
  args: AstNode[],
): { name: string; args: AstNode[] } | undefined {
  if (args.length !== 2 || args[1]!.class !== 'CONSTANT' || args[1]!.value?.type.id !== 'VARCHAR')
    return undefined;
  const pattern = String(args[1]!.value.value);
  const constant = (text: string): AstNode => ({
    ...args[1]!,
    value: { ...args[1]!.value!, value: text },
  });
  const timestamp = (x: AstNode) => castNode(x, { id: 'TIMESTAMP', type_info: null });
  switch (name) {
    case 'date_format':
      return { name: 'strftime', args: [timestamp(args[0]!), constant(mysqlToStrftime(pattern))] };
    case 'date_parse':
      return { name: 'strptime', args: [args[0]!, constant(mysqlToStrftime(pattern))] };
    case 'format_datetime': {
      const f = jodaToStrftime(pattern);
      return f === undefined
        ? undefined
        : { name: 'strftime', args: [timestamp(args[0]!), constant(f)] };
    }
    case 'parse_datetime': {
      // Trino gives a timestamp with time zone (UTC here).
      const f = jodaToStrftime(pattern);
      if (f === undefined) return undefined;
      const parsed = functionNode('strptime', [args[0]!, constant(f)]);
      return {
        name: 'athena_as_tz',
        args: [parsed],
      };
    }
    default:
      return undefined;
  }
}

const jsonRoot = (): AstNode => ({
  class: 'CONSTANT',
  type: 'VALUE_CONSTANT',
  alias: '',
  query_location: NO_LOCATION,
  value: { type: { id: 'VARCHAR', type_info: null }, is_null: false, value: '$' },
});

/** A time followed by a zone: an offset, `Z`, `UTC` or a region name. */
const ZONED_LITERAL = /:\d{2}(?:\.\d+)?\s*(?:[+-]\d{2}(?::?\d{2})?|Z|UTC|[A-Za-z]+\/[A-Za-z_]+)$/;

const INTEGER_TARGETS = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT']);

function rewriteCast(
  n: AstNode,
  typeOf: (n: AstNode | undefined) => string | undefined,
  replace: (target: AstNode, replacement: AstNode) => void,
): void {
  if (!n.child || !n.cast_type) return;
  if (n.query_location === NO_LOCATION) {
    // TIMESTAMP '… +02:00' (or '… UTC', '… Europe/Paris') is a timestamp with time zone in Trino.
    const text = n.child.class === 'CONSTANT' ? n.child.value?.value : undefined;
    if (n.cast_type.id === 'TIMESTAMP' && typeof text === 'string' && ZONED_LITERAL.test(text)) {
      // DuckDB reads an offset only right after the time: '… +02:00' → '…+02:00'.
      const child = {
        ...n.child,
        value: { ...n.child.value!, value: text.replace(/\s+([+-]\d)/, '$1') },
      };
      replace(n, { ...n, child, cast_type: { id: 'TIMESTAMP WITH TIME ZONE', type_info: null } });
    }
    return;
  }
  const target = n.cast_type.id;
  const from = typeOf(n.child);
  if (INTEGER_TARGETS.has(target)) {
    if (isInteger(from) || isDecimal(from) || isVarchar(from)) return;
    const aggregate = hasAggregate(n.child);
    if (
      from === 'double' ||
      from === 'real' ||
      (aggregate && /^(avg|stddev|var)/.test(n.child.function_name ?? ''))
    )
      n.child = functionNode('round', [n.child]);
    else if (!aggregate) n.child = functionNode('athena_half_up', [n.child]);
    else return;
    replace(n, { ...n });
    return;
  }
  if (target === 'VARCHAR' && !n.try_cast) {
    if (isVarchar(from) || isNumeric(from) || from === 'date' || from === 'boolean') return;
    // Trino casts a JSON scalar to its text: '"x"' → 'x'.
    if (from === 'json') {
      replace(n, functionNode('json_extract_string', [n.child, jsonRoot()]));
      return;
    }
    if (from === 'timestamp(3)') replace(n, functionNode('athena_timestamp_to_varchar', [n.child]));
    else if (!hasAggregate(n.child)) replace(n, functionNode('athena_to_varchar', [n.child]));
  }
}

/** Types Trino never compares with a varchar without a cast. */
const typedScalar = (t: string) =>
  t === 'date' || t.startsWith('timestamp') || isNumeric(t) || t === 'boolean';
const mismatched = (a: string, b: string) =>
  (isVarchar(a) && typedScalar(b)) || (isVarchar(b) && typedScalar(a));

function checkComparison(
  n: AstNode,
  typeOf: (n: AstNode | undefined) => string | undefined,
  refuse: (code: string, at: number | undefined, message: string) => never,
): void {
  if (n.class === 'BETWEEN') {
    const [x, lo, hi] = [n.input, n.lower, n.upper].map((c) => typeOf(c as AstNode));
    if (x && lo && hi && (mismatched(x, lo) || mismatched(x, hi)))
      refuse('TYPE_MISMATCH', n.query_location, `Cannot check if ${x} is BETWEEN ${lo} and ${hi}`);
    return;
  }
  if (n.type === 'COMPARE_IN' || n.type === 'COMPARE_NOT_IN') {
    const [value, ...items] = (n.children ?? []).map((c) => typeOf(c));
    const bad = value && items.find((t) => t && mismatched(value, t));
    if (bad)
      refuse(
        'TYPE_MISMATCH',
        n.query_location,
        `IN value and list items must be the same type or coercible to a common type. Cannot find common type between ${value} and ${bad}`,
      );
    return;
  }
  const op = COMPARISON_OPS[n.type ?? ''];
  const [a, b] = [typeOf(n.left), typeOf(n.right)];
  if (op && a && b && mismatched(a, b))
    refuse('TYPE_MISMATCH', n.query_location, `Cannot apply operator: ${a} ${op} ${b}`);
}

/** `GROUP BY alias`: Trino resolves GROUP BY names against the tables, never the select list. */
function checkGroupByAlias(
  n: AstNode,
  scope: ColumnScope,
  refuse: (code: string, at: number | undefined, message: string) => never,
): void {
  const groups = (n.group_expressions as AstNode[] | undefined) ?? [];
  const aliases = new Map<string, AstNode>();
  for (const item of (n.select_list as AstNode[] | undefined) ?? [])
    if (item.alias) aliases.set(item.alias.toLowerCase(), item);
  for (const g of groups) {
    if (g.class !== 'COLUMN_REF' || g.column_names?.length !== 1) continue;
    const name = g.column_names[0]!.toLowerCase();
    const aliased = aliases.get(name);
    if (!aliased || scope.bare.has(name)) continue;
    if (aliased.class === 'COLUMN_REF' && aliased.column_names?.at(-1)?.toLowerCase() === name)
      continue;
    refuse('COLUMN_NOT_FOUND', g.query_location, `Column '${name}' cannot be resolved`);
  }
}

function hasAggregate(node: AstNode): boolean {
  let found = false;
  walk(node, (n) => {
    if (
      n.class === 'WINDOW' ||
      (n.class === 'FUNCTION' && AGGREGATES.has((n.function_name ?? '').toLowerCase()))
    )
      found = true;
  });
  return found;
}

/**
 * The columns the statement's catalog tables bring, and the table references redirected: to the
 * `$hive` view where a pseudo column is named, to the Trino-shaped information_schema.
 */
function scopeOf(root: AstNode, lookup: TableLookup, result: RewriteResult): ColumnScope {
  const qualified = new Map<string, string>();
  const bare = new Map<string, string | null>();
  const aliases = new Set<string>();
  let pseudo = false;
  const top = new Set<AstNode>();
  for (let node: AstNode | undefined = root; node; node = node.left) top.add(node);
  walk(root, (n) => {
    if (n.type === 'SELECT_NODE' && !top.has(n))
      for (const item of (n.select_list as AstNode[] | undefined) ?? [])
        if (item.alias) aliases.add(item.alias.toLowerCase());
    if (
      n.class === 'COLUMN_REF' &&
      PSEUDO_COLUMNS.has(String(n.column_names?.at(-1)).toLowerCase())
    )
      pseudo = true;
  });
  walk(root, (n) => {
    if (n.type !== 'BASE_TABLE') return;
    const schema = String(n.schema_name ?? '').toLowerCase();
    const table = String(n.table_name ?? '').toLowerCase();
    if (schema === 'information_schema') {
      n.schema_name = INFORMATION_SCHEMA;
      n.catalog_name = '';
      result.usesInformationSchema = true;
      result.changed = true;
      return;
    }
    if (table.endsWith(PARTITIONS_SUFFIX)) {
      result.partitionTables.push({ schema, table: table.slice(0, -PARTITIONS_SUFFIX.length) });
      return;
    }
    const found = lookup(schema, table);
    if (!found) return;
    const qualifier = String(n.alias || table).toLowerCase();
    for (const c of found.columns) {
      const name = c.name.toLowerCase();
      qualified.set(`${qualifier}.${name}`, c.type);
      bare.set(name, bare.has(name) && bare.get(name) !== c.type ? null : c.type);
    }
    if (pseudo) {
      result.hiveTables.push({ schema, table });
      if (!n.alias) n.alias = String(n.table_name);
      n.table_name = `${String(n.table_name)}${HIVE_SUFFIX}`;
      result.changed = true;
    }
  });
  const scope = { qualified, bare };
  // Columns of CTEs and subqueries in FROM, typed from their select lists (inner ones first).
  const derived: Array<[string, AstNode]> = [];
  walk(root, (n) => {
    const ctes = (
      n.cte_map as { map?: Array<{ key: string; value: { query?: { node?: AstNode } } }> }
    )?.map;
    for (const e of ctes ?? []) if (e.value.query?.node) derived.push([e.key, e.value.query.node]);
    const sub = (n.subquery as { node?: AstNode } | undefined)?.node;
    if (n.type === 'SUBQUERY' && sub) derived.push([n.alias ?? '', sub]);
  });
  const known = new Set<string>();
  const infer = (x: AstNode | undefined): string | undefined =>
    x ? typeOfNode(x, infer, scope) : undefined;
  for (const [name, query] of derived) {
    let node: AstNode | undefined = query;
    while (node?.type === 'SET_OPERATION_NODE') node = node.left;
    const items = (node?.select_list as AstNode[] | undefined) ?? [];
    items.forEach((item, i) => {
      // Trino names an unnamed expression of a subquery `_col<i>` too; a `*` outside shows it.
      if (
        !item.alias &&
        item.class !== 'COLUMN_REF' &&
        item.class !== 'STAR' &&
        !items.some((x) => x.class === 'STAR')
      ) {
        item.alias = `_col${i}`;
        result.changed = true;
      }
    });
    for (const item of items) {
      const column = (
        item.alias || (item.class === 'COLUMN_REF' ? item.column_names?.at(-1) : '')
      )?.toLowerCase();
      if (!column) continue;
      const type = infer(item);
      known.add(column);
      if (type && name) qualified.set(`${name.toLowerCase()}.${column}`, type);
      bare.set(column, type && (!bare.has(column) || bare.get(column) === type) ? type : null);
    }
  }
  // A name a subquery defines and the rewrite could not type may shadow a table's column.
  for (const alias of aliases) if (!known.has(alias) && bare.has(alias)) bare.set(alias, null);
  return scope;
}

/** `line L:C: ` of a 0-based offset, as Trino prefixes its messages. */
function lineColumn(sql: string, at: number | undefined): string {
  if (at === undefined || at < 0 || at > sql.length) return '';
  const before = sql.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  return `line ${line}:${column}: `;
}
