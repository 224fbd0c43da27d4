/** Type names as Trino (Athena) spells them, from DuckDB's and from Glue's (Hive DDL) names. */

const FROM_DUCK: Record<string, string> = {
  BOOLEAN: 'boolean',
  TINYINT: 'tinyint',
  SMALLINT: 'smallint',
  INTEGER: 'integer',
  BIGINT: 'bigint',
  // DuckDB sums integers as HUGEINT; Trino's sum is a bigint (same numbers up to 2^63).
  HUGEINT: 'bigint',
  UTINYINT: 'smallint',
  USMALLINT: 'integer',
  UINTEGER: 'bigint',
  UBIGINT: 'bigint',
  FLOAT: 'real',
  DOUBLE: 'double',
  VARCHAR: 'varchar',
  BLOB: 'varbinary',
  DATE: 'date',
  TIME: 'time(3)',
  // Athena's Hive tables hold milliseconds: timestamp(3).
  TIMESTAMP: 'timestamp(3)',
  TIMESTAMP_MS: 'timestamp(3)',
  'TIMESTAMP WITH TIME ZONE': 'timestamp(3) with time zone',
  INTERVAL: 'interval day to second',
  JSON: 'json',
  UUID: 'uuid',
  '"NULL"': 'unknown',
  NULL: 'unknown',
};

/** Trino's name for a DuckDB type (`DECIMAL(12,2)` → `decimal(12,2)`, `INTEGER[]` → `array(integer)`). */
export function trinoTypeOfDuck(duckType: string): string {
  const t = duckType.trim();
  if (t.endsWith('[]')) return `array(${trinoTypeOfDuck(t.slice(0, -2))})`;
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/i.exec(t);
  if (decimal) return `decimal(${decimal[1]},${decimal[2]})`;
  const map = /^MAP\((.*)\)$/i.exec(t);
  if (map) {
    const [k, v] = splitTop(map[1]!);
    return `map(${trinoTypeOfDuck(k ?? '')}, ${trinoTypeOfDuck(v ?? '')})`;
  }
  const struct = /^STRUCT\((.*)\)$/i.exec(t);
  if (struct) {
    const fields = splitTop(struct[1]!).map((f) => {
      const m = /^("(?:[^"]|"")*"|\S+)\s+(.*)$/.exec(f.trim());
      return m ? `${m[1]!.replace(/^"|"$/g, '')} ${trinoTypeOfDuck(m[2]!)}` : f;
    });
    return `row(${fields.join(', ')})`;
  }
  return FROM_DUCK[t.toUpperCase()] ?? t.toLowerCase();
}

/** Trino's name for a Glue column type (`string` → `varchar`, `int` → `integer`, `timestamp` → `timestamp(3)`). */
export function trinoTypeOfGlue(glueType: string): string {
  const t = glueType.trim().toLowerCase();
  if (t === 'string' || t.startsWith('varchar') || t.startsWith('char')) return 'varchar';
  if (t === 'int') return 'integer';
  if (t === 'float') return 'real';
  if (t === 'binary') return 'varbinary';
  if (t === 'timestamp') return 'timestamp(3)';
  if (t === 'decimal') return 'decimal(10,0)';
  return t.replace(/\s+/g, '');
}

/** Split `a, b(c, d), e` at top-level commas. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(s.slice(start).trim());
  return parts;
}

/** DuckDB's `typeof` strings mapped to Trino's, as a SQL CASE over `expr` (for the typeof macro). */
export function typeofCaseSql(expr: string): string {
  const whens = Object.entries(FROM_DUCK)
    .filter(([k]) => !k.includes('"'))
    .map(([k, v]) => `WHEN '${k}' THEN '${v}'`)
    .join(' ');
  return (
    `CASE ${expr} ${whens} ELSE ` +
    `regexp_replace(regexp_replace(lower(${expr}), '^(.*)\\[\\]$', 'array(\\1)'), '^decimal\\((\\d+),(\\d+)\\)$', 'decimal(\\1,\\2)') END`
  );
}
