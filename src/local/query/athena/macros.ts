/**
 * DuckDB macros that compute what Trino computes. Trino names DuckDB lacks are macros of the same
 * name; where DuckDB has the name with other semantics, the macro is `athena_<name>` and the
 * rewrite (`rewriteAst.ts`) renames the call. Typed overloads let DuckDB pick by argument type.
 */
import { typeofCaseSql } from './trinoTypes.js';

const INTEGER_TYPES = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT'];

/** Trino's `/`: integers truncate and refuse a zero divisor, doubles give ±Infinity or NaN. */
function divisionMacro(): string {
  const integer = INTEGER_TYPES.flatMap((a) =>
    INTEGER_TYPES.map(
      // A failing cast, not error(): error() is volatile, and TRY refuses volatile functions.
      (b) =>
        `(a ${a}, b ${b}) AS CASE WHEN b = 0 THEN CAST('Division by zero' AS ${a}) ELSE a // b END`,
    ),
  );
  const float = ['DOUBLE', 'FLOAT'].map(
    (t) =>
      `(a ${t}, b ${t}) AS CASE WHEN b = 0 THEN CAST(CASE WHEN a > 0 THEN 'Infinity' WHEN a < 0 THEN '-Infinity' ELSE 'NaN' END AS ${t}) ELSE a / b END`,
  );
  return `CREATE OR REPLACE MACRO athena_div${[...integer, ...float].join(', ')}`;
}

/** `concat` of 1 to 10 arguments (strings or arrays): NULL when any argument is NULL, as Trino's. */
function concatMacro(): string {
  const overloads = Array.from({ length: 10 }, (_, i) => {
    const args = Array.from({ length: i + 1 }, (__, j) => `a${j}`);
    const anyNull = args.map((a) => `${a} IS NULL`).join(' OR ');
    return `(${args.join(', ')}) AS CASE WHEN ${anyNull} THEN NULL ELSE concat(${args.join(', ')}) END`;
  });
  return `CREATE OR REPLACE MACRO athena_concat${overloads.join(', ')}`;
}

const DATE_ADD_TS = (ts: string) =>
  `CASE lower(u) WHEN 'millisecond' THEN ${ts} + to_milliseconds(n) WHEN 'second' THEN ${ts} + to_seconds(n) ` +
  `WHEN 'minute' THEN ${ts} + to_minutes(n) WHEN 'hour' THEN ${ts} + to_hours(n) WHEN 'day' THEN ${ts} + to_days(n) ` +
  `WHEN 'week' THEN ${ts} + to_weeks(n) WHEN 'month' THEN ${ts} + to_months(n) WHEN 'quarter' THEN ${ts} + to_months(n * 3) ` +
  `WHEN 'year' THEN ${ts} + to_years(n) ELSE error('''' || u || ''' is not a valid TIMESTAMP field') END`;

/** Macros that give DuckDB the Trino functions of everyday Athena queries. */
export const ATHENA_MACROS: readonly string[] = [
  divisionMacro(),
  concatMacro(),
  // Trino's replacement uses $1 back-references and replaces every match.
  `CREATE OR REPLACE MACRO athena_regexp_replace(s, p) AS regexp_replace(s, p, '', 'g'), ` +
    `(s, p, r) AS regexp_replace(s, p, regexp_replace(replace(r, '\\', '\\\\'), '\\$(\\d)', '\\\\\\1', 'g'), 'g')`,
  // No match is NULL in Trino, '' in DuckDB.
  `CREATE OR REPLACE MACRO athena_regexp_extract(s, p) AS CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p) END, ` +
    `(s, p, g) AS CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p, g) END`,
  `CREATE OR REPLACE MACRO athena_split_part(s, d, n) AS ` +
    `CASE WHEN n <= 0 THEN error('Index must be greater than zero') WHEN n > len(string_split(s, d)) THEN NULL ELSE split_part(s, d, n) END`,
  `CREATE OR REPLACE MACRO athena_if(c, a) AS CASE WHEN c THEN a END, (c, a, b) AS CASE WHEN c THEN a ELSE b END`,
  `CREATE OR REPLACE MACRO athena_typeof(x) AS ${typeofCaseSql('typeof(x)')}`,
  `CREATE OR REPLACE MACRO athena_element_at(a, i) AS a[i]`,
  // Trino keeps the first occurrences in order; list_distinct does not keep the order.
  `CREATE OR REPLACE MACRO athena_array_distinct(a) AS list_filter(a, (x, i) -> list_position(a, x) = i)`,
  `CREATE OR REPLACE MACRO athena_replace(s, f) AS replace(s, f, ''), (s, f, r) AS replace(s, f, r)`,
  `CREATE OR REPLACE MACRO athena_slice(a, s, n) AS list_slice(a, s, s + n - 1)`,
  // Trino's array_position is 0 when absent, DuckDB's NULL.
  `CREATE OR REPLACE MACRO athena_array_position(a, x) AS CASE WHEN a IS NULL THEN NULL ELSE CAST(coalesce(list_position(a, x), 0) AS BIGINT) END`,
  `CREATE OR REPLACE MACRO athena_array_remove(a, x) AS list_filter(a, e -> e IS DISTINCT FROM x)`,
  `CREATE OR REPLACE MACRO athena_array_union(a, b) AS athena_array_distinct(list_concat(a, b))`,
  `CREATE OR REPLACE MACRO athena_array_except(a, b) AS list_filter(athena_array_distinct(a), e -> NOT list_contains(b, e))`,
  // DuckDB's millisecond() counts the seconds too (12.345 s → 12345); Trino's is 0–999.
  `CREATE OR REPLACE MACRO athena_millisecond(ts) AS millisecond(ts) % 1000`,
  `CREATE OR REPLACE MACRO nan() AS CAST('NaN' AS DOUBLE)`,
  `CREATE OR REPLACE MACRO infinity() AS CAST('Infinity' AS DOUBLE)`,
  `CREATE OR REPLACE MACRO athena_sha1(b) AS unhex(sha1(b))`,
  `CREATE OR REPLACE MACRO url_extract_protocol(u) AS athena_regexp_extract(u, '^([a-zA-Z][a-zA-Z0-9+.-]*):', 1)`,
  `CREATE OR REPLACE MACRO url_extract_host(u) AS athena_regexp_extract(u, '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?([^/:?#]+)', 1)`,
  `CREATE OR REPLACE MACRO url_extract_port(u) AS CAST(athena_regexp_extract(u, '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*:(\\d+)', 1) AS BIGINT)`,
  `CREATE OR REPLACE MACRO url_extract_path(u) AS athena_regexp_extract(u, '^(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*)?([^?#]*)', 1)`,
  `CREATE OR REPLACE MACRO url_extract_query(u) AS athena_regexp_extract(u, '\\?([^#]*)', 1)`,
  `CREATE OR REPLACE MACRO url_extract_fragment(u) AS athena_regexp_extract(u, '#(.*)$', 1)`,
  `CREATE OR REPLACE MACRO url_extract_parameter(u, n) AS url_decode(athena_regexp_extract(u, '[?&]' || regexp_escape(n) || '=([^&#]*)', 1))`,
  `CREATE OR REPLACE MACRO regexp_count(s, p) AS CAST(len(regexp_extract_all(s, p)) AS BIGINT)`,
  `CREATE OR REPLACE MACRO athena_cardinality(a) AS len(a)`,
  `CREATE OR REPLACE MACRO athena_md5(b) AS unhex(md5(b))`,
  `CREATE OR REPLACE MACRO athena_sha256(b) AS unhex(sha256(b))`,
  `CREATE OR REPLACE MACRO athena_to_hex(b) AS upper(hex(b))`,
  `CREATE OR REPLACE MACRO athena_strpos(s, t) AS strpos(s, t)`,
  `CREATE OR REPLACE MACRO athena_sequence(a BIGINT, b BIGINT) AS generate_series(a, b), ` +
    `(a BIGINT, b BIGINT, c BIGINT) AS generate_series(a, b, c), ` +
    `(a DATE, b DATE) AS list_transform(generate_series(CAST(a AS TIMESTAMP), CAST(b AS TIMESTAMP), INTERVAL 1 DAY), x -> CAST(x AS DATE))`,
  // DATE in, DATE out; a timestamp keeps its type (DuckDB 1.4 would give a DATE for day or coarser).
  `CREATE OR REPLACE MACRO athena_date_trunc(u VARCHAR, x DATE) AS CAST(date_trunc(u, x) AS DATE), ` +
    `(u VARCHAR, x TIMESTAMP) AS CAST(date_trunc(u, x) AS TIMESTAMP), ` +
    `(u VARCHAR, x TIMESTAMP WITH TIME ZONE) AS CAST(date_trunc(u, x) AS TIMESTAMP WITH TIME ZONE)`,
  `CREATE OR REPLACE MACRO athena_date_add(u VARCHAR, n BIGINT, x DATE) AS CAST(${DATE_ADD_TS('CAST(x AS TIMESTAMP)')} AS DATE), ` +
    `(u VARCHAR, n BIGINT, x TIMESTAMP) AS ${DATE_ADD_TS('x')}, ` +
    `(u VARCHAR, n BIGINT, x TIMESTAMP WITH TIME ZONE) AS ${DATE_ADD_TS('x')}`,
  // Untyped forms, for arguments DuckDB types only later (aggregates, windows).
  `CREATE OR REPLACE MACRO athena_date_trunc_date(u, x) AS CAST(date_trunc(u, x) AS DATE)`,
  `CREATE OR REPLACE MACRO athena_date_trunc_ts(u, x) AS CAST(date_trunc(u, x) AS TIMESTAMP)`,
  `CREATE OR REPLACE MACRO athena_date_add_date(u, n, x) AS CAST(${DATE_ADD_TS('CAST(x AS TIMESTAMP)')} AS DATE)`,
  `CREATE OR REPLACE MACRO athena_date_add_ts(u, n, x) AS ${DATE_ADD_TS('x')}`,
  `CREATE OR REPLACE MACRO athena_to_iso8601_date(x) AS strftime(x, '%Y-%m-%d')`,
  `CREATE OR REPLACE MACRO athena_to_iso8601_ts(x) AS strftime(CAST(x AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%g')`,
  `CREATE OR REPLACE MACRO athena_to_iso8601_tz(x) AS strftime(x, '%Y-%m-%dT%H:%M:%S.%gZ')`,
  `CREATE OR REPLACE MACRO athena_timestamp_to_varchar(x) AS strftime(x, '%Y-%m-%d %H:%M:%S.%g')`,
  // Decimal division: the rewrite casts the result to Trino's decimal(p,s).
  `CREATE OR REPLACE MACRO athena_decimal_div(a, b) AS CASE WHEN b = 0 THEN CAST('Division by zero' AS DOUBLE) ELSE CAST(a AS DOUBLE) / CAST(b AS DOUBLE) END`,
  // Trino rounds half away from zero when a double becomes an integer; DuckDB rounds half to even.
  `CREATE OR REPLACE MACRO athena_half_up(x DOUBLE) AS round(x), (x FLOAT) AS round(x), ` +
    INTEGER_TYPES.map((t) => `(x ${t}) AS x`).join(', ') +
    `, (x VARCHAR) AS x, (x) AS x`,
  // CAST(timestamp AS varchar) keeps the milliseconds in Trino.
  `CREATE OR REPLACE MACRO athena_to_varchar(x TIMESTAMP) AS strftime(x, '%Y-%m-%d %H:%M:%S.%g'), ` +
    `(x TIMESTAMP WITH TIME ZONE) AS strftime(x, '%Y-%m-%d %H:%M:%S.%g UTC'), ` +
    `(x DATE) AS strftime(x, '%Y-%m-%d'), (x VARCHAR) AS x, (x) AS CAST(x AS VARCHAR)`,
  // Zones: a zone-less timestamp is UTC; AT TIME ZONE gives the wall clock of the zone.
  `CREATE OR REPLACE MACRO athena_at_time_zone(z, x) AS timezone(z, CAST(x AS TIMESTAMP WITH TIME ZONE))`,
  `CREATE OR REPLACE MACRO at_timezone(x, z) AS timezone(z, CAST(x AS TIMESTAMP WITH TIME ZONE))`,
  `CREATE OR REPLACE MACRO with_timezone(x, z) AS timezone(z, CAST(x AS TIMESTAMP))`,
  `CREATE OR REPLACE MACRO current_timezone() AS 'UTC'`,
  `CREATE OR REPLACE MACRO athena_as_tz(x) AS CAST(x AS TIMESTAMP WITH TIME ZONE)`,
  `CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMP WITH TIME ZONE)`,
  `CREATE OR REPLACE MACRO from_iso8601_date(s) AS CAST(s AS DATE)`,
  `CREATE OR REPLACE MACRO to_iso8601(x DATE) AS strftime(x, '%Y-%m-%d'), ` +
    `(x TIMESTAMP) AS strftime(x, '%Y-%m-%dT%H:%M:%S.%g'), ` +
    `(x TIMESTAMP WITH TIME ZONE) AS strftime(x, '%Y-%m-%dT%H:%M:%S.%gZ')`,
  `CREATE OR REPLACE MACRO to_unixtime(ts) AS epoch(ts)`,
  `CREATE OR REPLACE MACRO from_unixtime(n) AS make_timestamp(CAST(CAST(n AS DOUBLE) * 1000000 AS BIGINT))`,
  `CREATE OR REPLACE MACRO athena_to_milliseconds(i) AS CAST(epoch_ms(i) AS BIGINT)`,
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
  // Deterministic: an element of the data, as Trino's digest gives on small inputs.
  `CREATE OR REPLACE MACRO approx_percentile(x, p) AS quantile_disc(x, p)`,
  `CREATE OR REPLACE MACRO athena_map_agg(k, v) AS map(list(k), list(v))`,
  `CREATE OR REPLACE MACRO regexp_like(s, p) AS regexp_matches(s, p)`,
  `CREATE OR REPLACE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)`,
  `CREATE OR REPLACE MACRO json_parse(s) AS CAST(s AS JSON)`,
  `CREATE OR REPLACE MACRO json_format(j) AS CAST(j AS VARCHAR)`,
  `CREATE OR REPLACE MACRO to_utf8(s) AS encode(s)`,
  `CREATE OR REPLACE MACRO from_utf8(b) AS decode(b)`,
  `CREATE OR REPLACE MACRO codepoint(s) AS unicode(s)`,
];

/** Settings that make DuckDB compute what Athena computes. */
export const ATHENA_SETTINGS: readonly string[] = [
  // Trino divides integers as integers (5 / 2 = 2); the rewrite makes `/` athena_div, this is the
  // fallback for SQL the rewrite does not see.
  `SET integer_division = true`,
  // Athena's timestamps are UTC wall-clock values; so are ours.
  `SET TimeZone = 'UTC'`,
];
