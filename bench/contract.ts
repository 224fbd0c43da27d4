import type { Contract } from '../src/core/contract/types.js';

/**
 * The reference workload's contract: employees with emails, two timestamps and a cross-column rule.
 * No primary key: the DuckDB job it is compared with does no duplicate check either.
 */
export const benchContract: Contract = {
  dataset: 'bench_employees',
  description: 'Benchmark workload: 7 columns, ~2% bad emails, some updated_at before hired_at.',
  files: ['*.csv'],
  csv: { header: true },
  columns: [
    { name: 'id', type: 'bigint', nullable: false },
    { name: 'name', type: 'string' },
    { name: 'email', type: 'string', format: 'email' },
    { name: 'hired_at', type: 'timestamp', formats: ['iso8601'] },
    { name: 'updated_at', type: 'timestamp', formats: ['iso8601'] },
    { name: 'department_id', type: 'int' },
    { name: 'job_id', type: 'int' },
  ],
  rules: [
    {
      name: 'updated_after_hired',
      column: 'updated_at',
      op: '>=',
      otherColumn: 'hired_at',
      message: 'updated_at is before hired_at',
    },
  ],
  partitioning: { time: 'hired_at', grain: 'hour' },
};
