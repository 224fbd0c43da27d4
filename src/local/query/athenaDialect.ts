/**
 * The Athena (Trino) SQL that everyday queries use, made to work in DuckDB: macros for Trino
 * functions DuckDB lacks or names differently, settings where semantics differ, and a rewrite of
 * the `AwsDataCatalog.` prefix. docs/local-twin.md lists what still differs.
 */

/** MySQL-style format tokens of Trino's `date_format`/`date_parse`, as strftime tokens. */
const MYSQL_TO_STRFTIME: Array<[string, string]> = [
  ['a', '%a'],
  ['b', '%b'],
  ['c', '%-m'],
  ['d', '%d'],
  ['e', '%-d'],
  ['f', '%f'],
  ['H', '%H'],
  ['h', '%I'],
  ['I', '%I'],
  ['i', '%M'],
  ['j', '%j'],
  ['k', '%-H'],
  ['l', '%-I'],
  ['M', '%B'],
  ['m', '%m'],
  ['p', '%p'],
  ['r', '%I:%M:%S %p'],
  ['S', '%S'],
  ['s', '%S'],
  ['T', '%H:%M:%S'],
  ['v', '%V'],
  ['W', '%A'],
  ['Y', '%Y'],
  ['y', '%y'],
  ['%', '%%'],
];

/** A MySQL-style format (Trino's `date_format`/`date_parse`) as a strftime/strptime format. */
export function mysqlToStrftime(format: string): string {
  const map = new Map(MYSQL_TO_STRFTIME);
  return format.replace(/%(.)/g, (whole, token: string) => map.get(token) ?? whole);
}

/** Macros that give DuckDB the Trino functions of everyday Athena queries. */
export const ATHENA_MACROS: readonly string[] = [
  `CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)`,
  `CREATE OR REPLACE MACRO from_iso8601_date(s) AS CAST(s AS DATE)`,
  `CREATE OR REPLACE MACRO to_iso8601(ts) AS strftime(CAST(ts AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%g')`,
  `CREATE OR REPLACE MACRO to_unixtime(ts) AS epoch(ts)`,
  `CREATE OR REPLACE MACRO from_unixtime(n) AS make_timestamp(CAST(CAST(n AS DOUBLE) * 1000000 AS BIGINT))`,
  `CREATE OR REPLACE MACRO day_of_week(ts) AS isodow(ts)`,
  `CREATE OR REPLACE MACRO dow(ts) AS isodow(ts)`,
  `CREATE OR REPLACE MACRO day_of_month(ts) AS dayofmonth(ts)`,
  `CREATE OR REPLACE MACRO day_of_year(ts) AS dayofyear(ts)`,
  `CREATE OR REPLACE MACRO doy(ts) AS dayofyear(ts)`,
  `CREATE OR REPLACE MACRO week_of_year(ts) AS weekofyear(ts)`,
  `CREATE OR REPLACE MACRO year_of_week(ts) AS isoyear(ts)`,
  `CREATE OR REPLACE MACRO yow(ts) AS isoyear(ts)`,
  `CREATE OR REPLACE MACRO last_day_of_month(ts) AS last_day(ts)`,
  `CREATE OR REPLACE MACRO approx_distinct(x) AS approx_count_distinct(x)`,
  `CREATE OR REPLACE MACRO regexp_like(s, p) AS regexp_matches(s, p)`,
  `CREATE OR REPLACE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)`,
  // DuckDB 1.4 truncates to day or coarser as DATE; Trino keeps the timestamp type.
  `CREATE OR REPLACE MACRO athena_date_trunc(part, ts) AS CAST(date_trunc(part, ts) AS TIMESTAMP)`,
];

/** Settings that make DuckDB compute what Athena computes. */
export const ATHENA_SETTINGS: readonly string[] = [
  // Trino divides integers as integers (5 / 2 = 2); DuckDB would give 2.5.
  `SET integer_division = true`,
  // Athena's timestamps are UTC wall-clock values; so are ours.
  `SET TimeZone = 'UTC'`,
];

/**
 * Rewrite what macros cannot express: the `AwsDataCatalog.` catalog prefix, and
 * `date_format(x, '<mysql format>')` / `date_parse(s, '<mysql format>')` into DuckDB's
 * `strftime` / `strptime` (whose format must be a constant, so it is translated here).
 */
export function translateAthenaSql(sql: string): string {
  const withoutCatalog = sql.replace(/(^|[^\w."])"?awsdatacatalog"?\s*\.\s*/gi, '$1');
  const truncated = withoutCatalog.replace(/\bdate_trunc\s*\(/gi, (match, offset: number) =>
    insideQuotes(withoutCatalog, offset) ? match : 'athena_date_trunc(',
  );
  return rewriteFormatCalls(truncated);
}

const FORMAT_CALLS: Record<string, (arg: string, format: string) => string> = {
  date_format: (arg, format) => `strftime(CAST(${arg} AS TIMESTAMP), ${format})`,
  date_parse: (arg, format) => `strptime(${arg}, ${format})`,
};

function rewriteFormatCalls(sql: string): string {
  const call = /\b(date_format|date_parse)\s*\(/gi;
  let out = '';
  let from = 0;
  for (let m = call.exec(sql); m; m = call.exec(sql)) {
    if (m.index < from || insideQuotes(sql, m.index)) continue;
    const open = m.index + m[0].length - 1;
    const args = splitArgs(sql, open);
    if (!args || args.parts.length !== 2) continue;
    const format = /^\s*'((?:[^']|'')*)'\s*$/.exec(args.parts[1]!);
    if (!format) continue;
    const translated = `'${mysqlToStrftime(format[1]!.replace(/''/g, "'")).replace(/'/g, "''")}'`;
    const name = m[1]!.toLowerCase();
    out +=
      sql.slice(from, m.index) +
      FORMAT_CALLS[name]!(rewriteFormatCalls(args.parts[0]!), translated);
    from = args.end + 1;
    call.lastIndex = from;
  }
  return out + sql.slice(from);
}

/** The top-level arguments of the call whose `(` is at `open`, and the index of its `)`. */
function splitArgs(sql: string, open: number): { parts: string[]; end: number } | undefined {
  const parts: string[] = [];
  let depth = 0;
  let start = open + 1;
  let quote: string | undefined;
  for (let i = open + 1; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === quote) quote = sql[i + 1] === quote ? (i++, quote) : undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') {
      if (depth === 0) {
        parts.push(sql.slice(start, i));
        return { parts, end: i };
      }
      depth--;
    } else if (ch === ',' && depth === 0) {
      parts.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  return undefined;
}

/** True when `index` falls inside a quoted string or identifier (counted from the start). */
function insideQuotes(sql: string, index: number): boolean {
  let quote: string | undefined;
  for (let i = 0; i < index; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
  }
  return quote !== undefined;
}
