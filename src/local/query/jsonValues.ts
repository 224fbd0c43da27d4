/** DuckDB result values as plain JSON: numbers where exact, ISO text for dates and times. */
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';

const INTEGERS = new Set([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
]);
const TIMESTAMPS = new Set([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
]);

/**
 * Convert one value of DuckDB's JSON form (`getRowsJson`) for a column of `type`:
 * 64/128-bit integers become numbers when safe (else stay decimal strings), decimals of up to
 * 15 digits become numbers, timestamps become ISO-8601 (`T` separator, `Z` when zoned), dates stay
 * `YYYY-MM-DD`.
 */
export function toJsonValue(value: unknown, type: DuckDBType): unknown {
  if (value === null || value === undefined) return null;
  const id = type.typeId;
  if (INTEGERS.has(id) && typeof value === 'string') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  if (id === DuckDBTypeId.DECIMAL && typeof value === 'string') {
    const width = (type as unknown as { width?: number }).width ?? 38;
    return width <= 15 ? Number(value) : value;
  }
  if (TIMESTAMPS.has(id) && typeof value === 'string') return value.replace(' ', 'T');
  if (id === DuckDBTypeId.TIMESTAMP_TZ && typeof value === 'string') {
    return value.replace(' ', 'T').replace(/\+00(:00)?$/, 'Z');
  }
  return value;
}
