import type { ParquetField } from '../../src/core/parquet/index.js';
import { createRng } from '../lib/rng.js';

/** The 7 workload columns plus 5 that cover the remaining types. */
export const TYPED_FIELDS: ParquetField[] = [
  { name: 'id', type: 'bigint', nullable: false },
  { name: 'name', type: 'string', nullable: true },
  { name: 'email', type: 'string', nullable: true },
  { name: 'hired_at', type: 'timestamp', nullable: true },
  { name: 'updated_at', type: 'timestamp', nullable: true },
  { name: 'department_id', type: 'int', nullable: true },
  { name: 'job_id', type: 'int', nullable: true },
  { name: 'salary', type: 'double', nullable: true },
  { name: 'active', type: 'boolean', nullable: true },
  { name: 'birth_date', type: 'date', nullable: true },
  { name: 'bonus', type: 'decimal(12,2)', nullable: true },
  { name: 'balance', type: 'decimal(38,10)', nullable: true },
];

/** Typed columns in the encoder's value convention, deterministic for a given row count. */
export interface TypedData {
  rows: number;
  columns: Record<string, unknown[]>;
}

const FIRST = ['Ana', 'Bo', 'Chloé', 'Dmitri', 'Eun-ji', 'Farid', 'Grace', 'Hiro', 'Inès', 'José'];
const LAST = ['Smith', 'García', 'Müller', 'Kim', 'Rossi', 'Nakamura', 'Okafor', 'Dubois'];
const BASE = Date.UTC(2024, 0, 1);

/** Generates the typed workload (about 5% nulls in name and bonus). */
export function generateTyped(rows: number, seed = 42): TypedData {
  const rnd = createRng(seed);
  const c: Record<string, unknown[]> = {};
  for (const f of TYPED_FIELDS) c[f.name] = new Array(rows);
  const [id, name, email, hired, updated, dept, job, salary, active, birth, bonus, balance] =
    TYPED_FIELDS.map((f) => c[f.name] as unknown[]) as unknown[][] as [
      unknown[],
      unknown[],
      unknown[],
      unknown[],
      unknown[],
      unknown[],
      unknown[],
      unknown[],
      unknown[],
      unknown[],
      unknown[],
      unknown[],
    ];
  for (let i = 0; i < rows; i++) {
    const first = FIRST[Math.floor(rnd() * FIRST.length)] as string;
    const last = LAST[Math.floor(rnd() * LAST.length)] as string;
    const h = BASE + Math.floor(rnd() * 48 * 3_600_000);
    id[i] = BigInt(i + 1);
    name[i] = rnd() < 0.05 ? null : `${first} ${last}`;
    email[i] = `${first.toLowerCase()}.${i}@example.com`;
    hired[i] = h;
    updated[i] = h + Math.floor((rnd() - 0.1) * 86_400_000);
    dept[i] = 1 + Math.floor(rnd() * 12);
    job[i] = 1 + Math.floor(rnd() * 180);
    salary[i] = Math.round(rnd() * 1e7) / 100;
    active[i] = rnd() < 0.8;
    birth[i] = 365 * 5 + Math.floor(rnd() * 365 * 35);
    bonus[i] = rnd() < 0.05 ? null : BigInt(Math.floor((rnd() - 0.5) * 1e9));
    balance[i] = BigInt(Math.floor((rnd() - 0.5) * 1e15)) * 100_000n + BigInt(i);
  }
  return { rows, columns: c };
}
