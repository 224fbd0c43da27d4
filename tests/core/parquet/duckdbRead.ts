import { DuckDBInstance } from '@duckdb/node-api';

/** What DuckDB sees in one Parquet file: column types from DESCRIBE and rows as JSON-safe values. */
export interface DuckRead {
  types: Record<string, string>;
  rows: Record<string, unknown>[];
  rowGroups: number;
}

/** Reads a Parquet file with DuckDB (the local stand-in for Athena). */
export async function readWithDuckDb(path: string): Promise<DuckRead> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const lit = `'${path.replaceAll("'", "''")}'`;
    const described = (
      await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${lit})`)
    ).getRowObjectsJson();
    const types = Object.fromEntries(
      described.map((r) => [String(r.column_name), String(r.column_type)]),
    );
    const rows = (
      await conn.runAndReadAll(`SELECT * FROM read_parquet(${lit})`)
    ).getRowObjectsJson();
    const meta = (
      await conn.runAndReadAll(
        `SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata(${lit})`,
      )
    ).getRowObjectsJson();
    return { types, rows, rowGroups: Number(meta[0]?.n ?? 0) };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
