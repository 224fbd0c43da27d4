/**
 * Measures translation layers on the conformance suite, under the same conditions: one DuckDB
 * connection, the fixture's rows as plain tables, the same macros and settings. Compared:
 * the typed AST rewrite (src/local/query/athenaDialect.ts), `@polyglot-sql/sdk` (Trino → DuckDB),
 * and optionally the text rewriter it replaced (OLD_DIALECT=path of the old athenaDialect.ts).
 *
 *   npm install --no-save @polyglot-sql/sdk      # or POLYGLOT=<path of its dist/index.node.js>
 *   npx tsx tests/athena-conformance/compareTranslators.ts
 *
 * Metadata cases (SHOW, "$path", information_schema) need the engine's catalog and are left out:
 * this compares the dialect translation only. Not part of `npm test`.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  DuckDBInstance,
  DuckDBTypeId,
  type DuckDBConnection,
  type DuckDBListType,
  type DuckDBType,
} from '@duckdb/node-api';
import { trinoTypeOfDuck, trinoTypeOfGlue } from '../../src/local/query/athena/trinoTypes.js';
import {
  ATHENA_MACROS,
  ATHENA_SETTINGS,
  AthenaTranslator,
  athenaColumnNames,
} from '../../src/local/query/athenaDialect.js';
import { toJsonValue } from '../../src/local/query/jsonValues.js';
import { DATETIME_CASES } from './cases/datetime.js';
import { REFUSAL_CASES } from './cases/metadata.js';
import { NUMBER_CASES } from './cases/numbers.js';
import { QUERY_CASES } from './cases/queries.js';
import { STRING_CASES } from './cases/strings.js';
import type { AthenaCase } from './cases/types.js';
import { CUSTOMERS, ORDERS } from './fixture.js';

interface Translated {
  sql: string;
  names?: (duckNames: string[]) => string[];
}
type Translate = (sql: string) => Promise<Translated>;

const CASES = [
  ...STRING_CASES,
  ...NUMBER_CASES,
  ...DATETIME_CASES,
  ...QUERY_CASES.filter((c) => !/registered partitions|star keeps/.test(c.name)),
  ...REFUSAL_CASES.filter((c) => !c.sql.startsWith('SHOW')),
].filter((c) => !c.differs);

const ORDER_TYPES: Record<string, string> = {
  id: 'bigint',
  customer: 'string',
  amount: 'decimal(12,2)',
  qty: 'int',
  price: 'double',
  ordered_at: 'timestamp',
  order_date: 'date',
  note: 'string',
};

async function connection(settings: readonly string[], macros: readonly string[]) {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  for (const sql of [...settings, ...macros]) await conn.run(sql);
  const lit = (v: unknown) => (v === null ? 'NULL' : `'${String(v)}'`);
  await conn.run(
    `CREATE TABLE orders AS SELECT * FROM (VALUES ${ORDERS.map((r) => `(${r.map(lit).join(', ')})`).join(', ')}) t(id, customer, amount, qty, price, ordered_at, order_date, note)`,
  );
  await conn.run(
    `CREATE OR REPLACE TABLE orders AS SELECT CAST(id AS BIGINT) AS id, customer, CAST(amount AS DECIMAL(12,2)) AS amount, CAST(qty AS INTEGER) AS qty, CAST(price AS DOUBLE) AS price, CAST(ordered_at AS TIMESTAMP) AS ordered_at, CAST(order_date AS DATE) AS order_date, note FROM orders`,
  );
  await conn.run(
    `CREATE TABLE customers AS SELECT name, country, CAST(vip AS BOOLEAN) AS vip FROM (VALUES ${CUSTOMERS.map((r) => `(${r.map(lit).join(', ')})`).join(', ')}) t(name, country, vip)`,
  );
  return { instance, conn };
}

function jsonValue(value: unknown, type: DuckDBType): unknown {
  if (Array.isArray(value) && type.typeId === DuckDBTypeId.LIST)
    return value.map((v) => jsonValue(v, (type as DuckDBListType).valueType));
  return toJsonValue(value, type);
}

async function passes(conn: DuckDBConnection, translate: Translate, c: AthenaCase) {
  let translated: Translated;
  try {
    translated = await translate(c.sql);
  } catch (err) {
    return !!c.error && String((err as Error).message).includes(c.error);
  }
  try {
    const reader = await conn.runAndReadAll(translated.sql);
    if (c.error) return false;
    const types = reader.columnTypes();
    const duckNames = reader.columnNames();
    const names = translated.names ? translated.names(duckNames) : duckNames;
    const columns = names.map((n, i) => `${n}:${trinoTypeOfDuck(types[i]!.toString())}`);
    const rows = reader.getRowsJson().map((r) => r.map((v, i) => jsonValue(v, types[i]!)));
    if (c.columns && !isDeepStrictEqual(columns, c.columns)) return false;
    return !c.rows || isDeepStrictEqual(c.prefix ? rows.slice(0, c.rows.length) : rows, c.rows);
  } catch (err) {
    return !!c.error && String((err as Error).message).includes(c.error);
  }
}

async function measure(name: string, translate: Translate, conn: DuckDBConnection) {
  let pass = 0;
  const failed: string[] = [];
  for (const c of CASES) {
    if (await passes(conn, translate, c)) pass++;
    else failed.push(c.name);
  }
  const rounds = 5;
  const start = performance.now();
  for (let r = 0; r < rounds; r++)
    for (const c of CASES) await translate(c.sql).catch(() => undefined);
  const ms = (performance.now() - start) / (rounds * CASES.length);
  console.log(
    `${name}: ${pass}/${CASES.length} cases right, ${ms.toFixed(2)} ms per translation (mean of ${rounds} rounds)`,
  );
  if (process.env.VERBOSE) for (const f of failed) console.log(`  wrong: ${f}`);
}

const lookup = (_schema: string, table: string) =>
  table === 'orders'
    ? {
        columns: Object.entries(ORDER_TYPES).map(([n, t]) => ({
          name: n,
          type: trinoTypeOfGlue(t),
        })),
      }
    : table === 'customers'
      ? {
          columns: [
            { name: 'name', type: 'varchar' },
            { name: 'country', type: 'varchar' },
            { name: 'vip', type: 'boolean' },
          ],
        }
      : undefined;

{
  const { conn } = await connection(ATHENA_SETTINGS, ATHENA_MACROS);
  const start = performance.now();
  const translator = new AthenaTranslator(conn);
  await translator.translate('SELECT 1', lookup);
  console.log(`typed AST rewrite: first translation ${(performance.now() - start).toFixed(1)} ms`);
  await measure(
    'typed AST rewrite',
    async (sql) => {
      const t = await translator.translate(sql, lookup);
      return { sql: t.sql, names: (d) => athenaColumnNames(d, t.names) };
    },
    conn,
  );
}

{
  const { conn } = await connection(ATHENA_SETTINGS, ATHENA_MACROS);
  const specifier = process.env.POLYGLOT ?? '@polyglot-sql/sdk';
  const start = performance.now();
  const polyglot = (await import(specifier).catch(() => undefined)) as
    | {
        transpile: (
          sql: string,
          from: string,
          to: string,
        ) => { success: boolean; sql?: string[]; error?: string };
      }
    | undefined;
  if (!polyglot) console.log('@polyglot-sql/sdk is not installed: skipped');
  else {
    const loaded = performance.now();
    polyglot.transpile('SELECT 1', 'athena', 'duckdb');
    console.log(
      `polyglot: import ${(loaded - start).toFixed(0)} ms, first transpile ${(performance.now() - loaded).toFixed(0)} ms`,
    );
    await measure(
      'polyglot (athena → duckdb)',
      (sql) => {
        const r = polyglot.transpile(sql, 'athena', 'duckdb');
        if (!r.success || !r.sql?.[0]) return Promise.reject(new Error(r.error ?? 'no SQL'));
        return Promise.resolve({ sql: r.sql[0] });
      },
      conn,
    );
  }
}

if (process.env.OLD_DIALECT) {
  const old = (await import(process.env.OLD_DIALECT)) as {
    ATHENA_MACROS: string[];
    ATHENA_SETTINGS: string[];
    translateAthenaSql: (sql: string) => string;
  };
  const { conn } = await connection(old.ATHENA_SETTINGS, old.ATHENA_MACROS);
  await measure(
    'text rewriter (before)',
    (sql) => Promise.resolve({ sql: old.translateAthenaSql(sql) }),
    conn,
  );
}
