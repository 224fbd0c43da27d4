/** Glue (Hive DDL) column types as DuckDB types, so views expose the catalog's types. */

const SIMPLE: Record<string, string> = {
  string: 'VARCHAR',
  varchar: 'VARCHAR',
  char: 'VARCHAR',
  tinyint: 'TINYINT',
  smallint: 'SMALLINT',
  int: 'INTEGER',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  float: 'FLOAT',
  real: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  binary: 'BLOB',
};

/** The DuckDB type for a Glue type, or undefined for nested types (left as the files have them). */
export function duckTypeOf(glueType: string): string | undefined {
  const t = glueType.trim().toLowerCase();
  const base = t.replace(/\(.*$/, '');
  const decimal = /^decimal\((\d+)\s*,\s*(\d+)\)$/.exec(t);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  if (base === 'decimal') return 'DECIMAL(10,0)';
  return SIMPLE[base];
}

/** Double-quote an identifier for SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Single-quote a string literal for SQL. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
