/**
 * Small tables for the conformance cases: a LocalCatalog in a temp dir, Parquet written by
 * DuckDB's COPY under a folder laid out as the curated bucket, committed manifests, and a resolver
 * over those local files. `orders` is day-partitioned on its order time; `customers` by ingestion
 * day. A file written but never registered stays invisible.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { curatedTableInput, partitionInput } from '../../src/core/catalog/tableInput.js';
import { MANIFESTS_PARAMETER } from '../../src/core/catalog/tableParameters.js';
import type { Contract } from '../../src/core/contract/types.js';
import { LocalCatalog } from '../../src/local/catalog/index.js';
import { QueryEngine } from '../../src/local/query/index.js';
import type { LocationResolver } from '../../src/local/query/index.js';

export const BUCKET = 'lake-curated';

const orders: Contract = {
  dataset: 'orders',
  files: ['orders*.csv'],
  partitioning: { time: 'ordered_at', grain: 'day' },
  columns: [
    { name: 'id', type: 'bigint' },
    { name: 'customer', type: 'string' },
    { name: 'amount', type: 'decimal(12,2)' },
    { name: 'qty', type: 'int' },
    { name: 'price', type: 'double' },
    { name: 'ordered_at', type: 'timestamp' },
    { name: 'order_date', type: 'date' },
    { name: 'note', type: 'string' },
  ],
};

const customers: Contract = {
  dataset: 'customers',
  files: ['customers*.csv'],
  partitioning: { grain: 'day' },
  columns: [
    { name: 'name', type: 'string' },
    { name: 'country', type: 'string' },
    { name: 'vip', type: 'boolean' },
  ],
};

/** The rows of `orders`: (id, customer, amount, qty, price, ordered_at, order_date, note). */
export const ORDERS = [
  [1, 'alice', '10.50', 2, 1.5, '2021-01-01 10:00:00.250', '2021-01-01', 'first order'],
  [2, 'bob', '20.25', 1, 2.5, '2021-01-01 23:30:00', '2021-01-01', null],
  [3, 'alice', '5.00', 3, 0.5, '2021-01-02 01:15:00', '2021-01-02', 'rush'],
  [4, 'carol', '7.75', 0, 3.5, '2021-02-15 12:00:00', '2021-02-15', 'gift wrap'],
  [5, 'bob', '100.00', 5, -1.5, '2021-03-31 08:45:30', '2021-03-31', null],
] as const;

export const CUSTOMERS = [
  ['alice', 'US', true],
  ['bob', 'DE', false],
  ['carol', 'FR', null],
  ['dave', null, false],
] as const;

export interface Fixture {
  engine: QueryEngine;
  close(): Promise<void>;
}

const lit = (v: string | number | boolean | null, type: string) =>
  v === null ? `CAST(NULL AS ${type})` : `CAST('${String(v).replace(/'/g, "''")}' AS ${type})`;

/** Build the tables and start an engine over them. */
export async function startFixture(): Promise<Fixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lake-athena-'));
  const root = path.join(dir, 's3');
  const duck = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await duck.connect();
  const catalog = new LocalCatalog(path.join(dir, 'catalog'));
  await catalog.ensureDatabase('lake');

  const put = async (key: string, select: string) => {
    const file = path.join(root, BUCKET, key);
    await mkdir(path.dirname(file), { recursive: true });
    await conn.run(`COPY (${select}) TO '${file.replace(/'/g, "''")}' (FORMAT parquet)`);
  };
  const commit = async (table: ReturnType<typeof curatedTableInput>, keys: string[]) => {
    const location = table.Parameters?.[MANIFESTS_PARAMETER];
    if (!location) return;
    const prefix = location.replace(/^s3:\/\/[^/]+\//, '');
    const file = path.join(root, BUCKET, prefix, 'fixture.json');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ files: keys }));
  };

  const ordersTable = curatedTableInput(orders, `s3://${BUCKET}/orders/`);
  await catalog.ensureTable('lake', ordersTable);
  const byDay = new Map<string, string[]>();
  for (const [id, customer, amount, qty, price, at, day, note] of ORDERS) {
    const row =
      `SELECT ${id}::BIGINT AS id, ${lit(customer, 'VARCHAR')} AS customer, ${lit(amount, 'DECIMAL(12,2)')} AS amount, ` +
      `${qty}::INTEGER AS qty, ${price}::DOUBLE AS price, ${lit(at, 'TIMESTAMP')} AS ordered_at, ` +
      `${lit(day, 'DATE')} AS order_date, ${lit(note, 'VARCHAR')} AS note, 'orders.csv' AS _source_key, ${id}::BIGINT AS _row_number`;
    byDay.set(at.slice(0, 10), [...(byDay.get(at.slice(0, 10)) ?? []), row]);
  }
  const orderKeys: string[] = [];
  for (const [day, rows] of byDay) {
    const key = `orders/date=${day}/part-0.parquet`;
    await put(key, rows.join(' UNION ALL '));
    orderKeys.push(key);
  }
  await commit(ordersTable, orderKeys);
  await catalog.registerPartitions(
    'lake',
    'orders',
    [...byDay.keys()].map((day) => partitionInput(ordersTable, day)),
  );
  // Written, never registered nor committed (a failed run): invisible, as in Athena.
  await put(
    'orders/date=2021-06-01/part-0.parquet',
    `SELECT 99::BIGINT AS id, 'ghost' AS customer`,
  );

  const customersTable = curatedTableInput(customers, `s3://${BUCKET}/customers/`);
  await catalog.ensureTable('lake', customersTable);
  const rows = CUSTOMERS.map(
    ([name, country, vip]) =>
      `SELECT ${lit(name, 'VARCHAR')} AS name, ${lit(country, 'VARCHAR')} AS country, ${lit(vip, 'BOOLEAN')} AS vip`,
  );
  const customerKey = 'customers/date=2026-01-01/part-0.parquet';
  await put(customerKey, rows.join(' UNION ALL '));
  await commit(customersTable, [customerKey]);
  await catalog.registerPartitions('lake', 'customers', [
    partitionInput(customersTable, '2026-01-01'),
  ]);
  conn.closeSync();
  duck.closeSync();

  const engine = await QueryEngine.create({ catalog, resolve: localResolver(root), threads: 1 });
  return {
    engine,
    close: async () => {
      engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `s3://bucket/prefix` → the files under `<root>/bucket/prefix`, with their URIs. */
function localResolver(root: string): LocationResolver {
  return async (location) => {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
    if (!m) return [];
    const [, bucket, prefix] = m as unknown as [string, string, string];
    const base = path.join(root, bucket);
    const out: Array<{ uri: string; file: string }> = [];
    const visit = async (folder: string): Promise<void> => {
      const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const full = path.join(folder, e.name);
        if (e.isDirectory()) await visit(full);
        else {
          const key = path.relative(base, full).split(path.sep).join('/');
          if (key.startsWith(prefix)) out.push({ uri: `s3://${bucket}/${key}`, file: full });
        }
      }
    };
    await visit(base);
    return out.sort((a, b) => (a.uri < b.uri ? -1 : 1));
  };
}
