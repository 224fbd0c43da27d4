import { DuckDBInstance } from '@duckdb/node-api';
import type { EngineResult } from './types.js';

/** The e-mail pattern of Core's `format: email` (src/core/validate/compileColumnCheck.ts), in RE2. */
export const EMAIL_REGEX =
  "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$";

const sql = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * The same job in DuckDB on one thread: typed read, email regex, updated_at >= hired_at, curated
 * rows to Parquet partitioned by hired_at date/hour, rejected rows (with reasons) to Parquet.
 */
export async function runDuckDbJob(input: string, outDir: string): Promise<EngineResult> {
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await db.connect();
  try {
    await conn.run("SET threads=1; SET TimeZone='UTC'; SET preserve_insertion_order=false;");
    await conn.run(`
      CREATE TEMP TABLE checked AS
      SELECT *,
        concat_ws('; ',
          CASE WHEN email IS NOT NULL AND NOT regexp_full_match(email, ${sql(EMAIL_REGEX)}) THEN 'email: not an email' END,
          CASE WHEN updated_at < hired_at THEN 'updated_after_hired: updated_at is before hired_at' END
        ) AS reasons
      FROM read_csv(${sql(input)}, header = true, auto_detect = false, quote = '"', escape = '"',
        columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'email': 'VARCHAR', 'hired_at': 'TIMESTAMPTZ',
                   'updated_at': 'TIMESTAMPTZ', 'department_id': 'INTEGER', 'job_id': 'INTEGER'})`);
    await conn.run(`
      COPY (
        SELECT id, name, email, hired_at, updated_at, department_id, job_id,
          strftime(hired_at, '%Y-%m-%d') AS date, strftime(hired_at, '%H') AS hour
        FROM checked WHERE reasons = ''
      ) TO ${sql(outDir + '/curated')} (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (date, hour))`);
    await conn.run(`
      COPY (
        SELECT id::VARCHAR AS id, name, email, hired_at::VARCHAR AS hired_at, updated_at::VARCHAR AS updated_at,
          department_id::VARCHAR AS department_id, job_id::VARCHAR AS job_id, reasons
        FROM checked WHERE reasons <> ''
      ) TO ${sql(outDir + '/rejected.parquet')} (FORMAT parquet, COMPRESSION snappy)`);
    const counts = (
      await conn.runAndReadAll(
        "SELECT count(*) AS r, count_if(reasons = '') AS c, count(DISTINCT CASE WHEN reasons = '' THEN strftime(hired_at, '%Y-%m-%d %H') END) AS p FROM checked",
      )
    ).getRowObjectsJson()[0];
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const rowsRead = Number(counts?.r);
    const rowsCurated = Number(counts?.c);
    return {
      ms,
      cpuMs,
      rowsRead,
      rowsCurated,
      rowsRejected: rowsRead - rowsCurated,
      partitions: Number(counts?.p),
    };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
