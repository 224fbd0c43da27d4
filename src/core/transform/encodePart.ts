import { encodeParquet, encodeTypedColumns } from '../parquet/index.js';
import type { ColumnValues, ParquetField, TypedColumn } from '../parquet/index.js';
import { setInt64 } from './columnStore.js';
import type { ColumnStore } from './columnStore.js';

/** The audit columns' values, the same for every row of a part file. */
export interface AuditValues {
  sourceKey: string;
  sourceVersion: string;
  ingestedAtMs: number;
  executionId: string;
}

/**
 * One part file's Parquet bytes: the held rows of `stores` (one per data column of `schema`),
 * then the audit columns (`AUDIT_FIELDS`, last in `schema`). Written from the stores' typed
 * memory by `encodeTypedColumns` when every column can be; a contract with boolean or decimal
 * columns goes through `encodeParquet` and its arrays of values.
 */
export function encodePart(
  schema: ParquetField[],
  stores: ColumnStore[],
  rowNumbers: number[],
  audit: AuditValues,
): Uint8Array {
  const typed = stores.map((s) => s.typed());
  if (typed.every((t): t is TypedColumn => t !== undefined))
    return encodeTypedColumns(
      schema,
      [...typed, ...typedAudit(rowNumbers, audit)],
      rowNumbers.length,
    );
  const n = rowNumbers.length;
  const data: Record<string, ColumnValues> = {
    _source_key: new Array(n).fill(audit.sourceKey),
    _source_version: new Array(n).fill(audit.sourceVersion),
    _row_number: rowNumbers.map((r) => BigInt(r)),
    _ingested_at: new Array(n).fill(BigInt(audit.ingestedAtMs)),
    _execution_id: new Array(n).fill(audit.executionId),
  };
  const plainColumns = ['_row_number'];
  stores.forEach((store, i) => {
    data[schema[i]!.name] = store.values();
    if (store.distinct) plainColumns.push(schema[i]!.name);
  });
  return encodeParquet(schema, data, { plainColumns });
}

const encoder = new TextEncoder();

/** The audit columns in `AUDIT_FIELDS` order, as typed columns (constants as one-entry dictionaries). */
function typedAudit(rowNumbers: number[], audit: AuditValues): TypedColumn[] {
  const n = rowNumbers.length;
  const constant = (text: string): TypedColumn => ({
    kind: 'dictionary',
    ids: new Int32Array(n),
    entries: [encoder.encode(text)],
  });
  const rows = new BigInt64Array(n);
  const halves = new Uint32Array(rows.buffer);
  for (let i = 0; i < n; i++) setInt64(halves, i, rowNumbers[i]!);
  return [
    constant(audit.sourceKey),
    constant(audit.sourceVersion),
    { kind: 'int64', values: rows },
    { kind: 'int64', values: new BigInt64Array(n).fill(BigInt(audit.ingestedAtMs)) },
    constant(audit.executionId),
  ];
}
