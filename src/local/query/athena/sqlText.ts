/**
 * Text-level steps before DuckDB's parser sees Athena SQL: what it cannot parse (Trino's
 * `listagg … WITHIN GROUP`), what it would accept where Trino refuses (`LIMIT … OFFSET`), and the
 * `AwsDataCatalog.` prefix. Offsets are kept where possible, so error positions stay right.
 */
import { QueryError } from '../errors.js';

interface Token {
  kind: 'word' | 'quoted' | 'string' | 'number' | 'punct' | 'space';
  text: string;
  start: number;
}

/** SQL as tokens; comments count as space. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /(\s+|--[^\n]*|\/\*[\s\S]*?\*\/)|("(?:[^"]|"")*"?)|('(?:[^']|'')*'?)|(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_$][\w$]*)|([\s\S])/g;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    const kind = m[1]
      ? 'space'
      : m[2]
        ? 'quoted'
        : m[3]
          ? 'string'
          : m[4]
            ? 'number'
            : m[5]
              ? 'word'
              : 'punct';
    tokens.push({ kind, text: m[0], start: m.index });
  }
  return tokens;
}

/** The text steps, in order. Throws `QueryError` for `LIMIT … OFFSET`, which Trino refuses. */
export function prepareSql(sql: string): string {
  const tokens = tokenize(sql);
  refuseLimitBeforeOffset(sql, tokens);
  return parenthesizeValues(renameIf(rewriteListagg(stripCatalog(sql, tokens))));
}

const VALUES_END = new Set(['order', 'limit', 'offset', 'union', 'except', 'intersect', 'fetch']);

/** Trino's `VALUES 1, 2, 3` (rows without parentheses) as `VALUES (1), (2), (3)`. */
function parenthesizeValues(sql: string): string {
  const tokens = tokenize(sql);
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (tokens[i]!.kind !== 'word' || tokens[i]!.text.toLowerCase() !== 'values') continue;
    const first = nextSolid(tokens, i);
    if (first < 0 || tokens[first]!.text === '(') continue;
    const items: Array<[number, number]> = [];
    let depth = 0;
    let start = tokens[first]!.start;
    let j = first;
    for (; j < tokens.length; j++) {
      const t = tokens[j]!;
      if (t.text === '(') depth++;
      else if (t.text === ')' && depth-- === 0) break;
      else if (
        depth === 0 &&
        (t.text === ';' || (t.kind === 'word' && VALUES_END.has(t.text.toLowerCase())))
      )
        break;
      else if (depth === 0 && t.text === ',') {
        items.push([start, t.start]);
        start = t.start + 1;
      }
    }
    const end = j < tokens.length ? tokens[j]!.start : sql.length;
    items.push([start, end]);
    const rows = items.map(([a, b]) => `(${sql.slice(a, b).trim()})`).join(', ');
    return parenthesizeValues(`${sql.slice(0, tokens[first]!.start)}${rows} ${sql.slice(end)}`);
  }
  return sql;
}

/** DuckDB's parser takes `if` with three arguments only; Trino's second form has two. */
function renameIf(sql: string): string {
  const tokens = tokenize(sql);
  let out = '';
  let from = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word' || t.text.toLowerCase() !== 'if') continue;
    const next = nextSolid(tokens, i);
    if (next < 0 || tokens[next]!.text !== '(') continue;
    out += sql.slice(from, t.start) + 'athena_if';
    from = t.start + t.text.length;
  }
  return out + sql.slice(from);
}

/** `AwsDataCatalog.` (any case, quoted or not) becomes spaces of the same length. */
function stripCatalog(sql: string, tokens: Token[]): string {
  let out = sql;
  const solid = tokens.filter((t) => t.kind !== 'space');
  for (let i = 0; i + 1 < solid.length; i++) {
    const t = solid[i]!;
    const name = t.kind === 'quoted' ? t.text.slice(1, -1) : t.kind === 'word' ? t.text : '';
    if (name.toLowerCase() !== 'awsdatacatalog' || solid[i + 1]!.text !== '.') continue;
    if (i > 0 && solid[i - 1]!.text === '.') continue;
    const end = solid[i + 1]!.start + 1;
    out = out.slice(0, t.start) + ' '.repeat(end - t.start) + out.slice(end);
  }
  return out;
}

function refuseLimitBeforeOffset(sql: string, tokens: Token[]): void {
  const solid = tokens.filter((t) => t.kind !== 'space');
  for (let i = 0; i + 2 < solid.length; i++) {
    if (solid[i]!.text.toLowerCase() !== 'limit') continue;
    const count = solid[i + 1]!;
    if (count.kind !== 'number' && count.text.toLowerCase() !== 'all' && count.text !== '?')
      continue;
    const next = solid[i + 2]!;
    if (next.kind === 'word' && next.text.toLowerCase() === 'offset') {
      const before = sql.slice(0, next.start);
      const line = before.split('\n').length;
      const column = next.start - before.lastIndexOf('\n');
      throw new QueryError(
        `SYNTAX_ERROR: line ${line}:${column}: mismatched input 'OFFSET'. Expecting: <EOF> (Trino takes OFFSET before LIMIT)`,
        { sql, code: 'SYNTAX_ERROR' },
      );
    }
  }
}

/** `listagg(x, sep) WITHIN GROUP (ORDER BY y)` → `string_agg(x, sep ORDER BY y)`. */
function rewriteListagg(sql: string): string {
  const tokens = tokenize(sql);
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (t.kind !== 'word' || t.text.toLowerCase() !== 'listagg') continue;
    const open = nextSolid(tokens, i);
    if (open < 0 || tokens[open]!.text !== '(') continue;
    const close = matching(tokens, open);
    const within = nextSolid(tokens, close);
    const group = nextSolid(tokens, within);
    const open2 = nextSolid(tokens, group);
    if (
      close < 0 ||
      tokens[within]?.text.toLowerCase() !== 'within' ||
      tokens[group]?.text.toLowerCase() !== 'group' ||
      tokens[open2]?.text !== '('
    )
      continue;
    const close2 = matching(tokens, open2);
    if (close2 < 0) continue;
    const args = sql.slice(tokens[open]!.start + 1, tokens[close]!.start);
    const order = sql.slice(tokens[open2]!.start + 1, tokens[close2]!.start);
    const rewritten = `string_agg(${args} ${order})`;
    return rewriteListagg(sql.slice(0, t.start) + rewritten + sql.slice(tokens[close2]!.start + 1));
  }
  return sql;
}

function nextSolid(tokens: Token[], i: number): number {
  if (i < 0) return -1;
  for (let j = i + 1; j < tokens.length; j++) if (tokens[j]!.kind !== 'space') return j;
  return -1;
}

function matching(tokens: Token[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    if (tokens[j]!.text === '(') depth++;
    else if (tokens[j]!.text === ')' && --depth === 0) return j;
  }
  return -1;
}
