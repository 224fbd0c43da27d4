import type { Contract } from '../contract/types.js';
import type { ParquetField } from '../parquet/index.js';

/** Audit columns appended to every curated and rejected row, in this order. */
export const AUDIT_FIELDS: readonly ParquetField[] = [
  { name: '_source_key', type: 'string', nullable: false },
  { name: '_source_version', type: 'string', nullable: false },
  { name: '_row_number', type: 'bigint', nullable: false },
  { name: '_ingested_at', type: 'timestamp', nullable: false },
  { name: '_execution_id', type: 'string', nullable: false },
];

/** Parquet fields of the curated table: the contract's columns, typed, then the audit columns. */
export function curatedFields(contract: Contract): ParquetField[] {
  return [
    ...contract.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable ?? true })),
    ...AUDIT_FIELDS,
  ];
}

/**
 * Parquet fields of the rejected table (fixed shape, the catalog relies on it): every contract
 * column as nullable raw text, `_raw_record`, `_errors`, `_error_codes`, then the audit columns.
 */
export function rejectedFields(contract: Contract): ParquetField[] {
  return [
    ...contract.columns.map((c): ParquetField => ({
      name: c.name,
      type: 'string',
      nullable: true,
    })),
    { name: '_raw_record', type: 'string', nullable: false },
    { name: '_errors', type: 'string', nullable: false },
    { name: '_error_codes', type: 'string', nullable: false },
    ...AUDIT_FIELDS,
  ];
}
