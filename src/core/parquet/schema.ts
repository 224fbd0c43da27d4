import type { SchemaElement } from 'hyparquet';
import type { ColumnType } from '../contract/types.js';
import { ParquetSchemaError } from './errors.js';

/** One output column: its contract type and whether nulls are allowed (definition levels). */
export interface ParquetField {
  name: string;
  type: ColumnType;
  nullable: boolean;
}

/** Precision and scale of a `decimal(p,s)` type, or undefined for any other type. */
export function parseDecimal(type: ColumnType): { precision: number; scale: number } | undefined {
  const m = /^decimal\((\d+),(\d+)\)$/.exec(type);
  if (!m) return undefined;
  const precision = Number(m[1]);
  const scale = Number(m[2]);
  if (precision < 1 || precision > 38 || scale > precision) {
    throw new ParquetSchemaError(
      `decimal precision must be 1..38 and scale <= precision, got ${type}`,
      { type },
    );
  }
  return { precision, scale };
}

/** Smallest two's-complement byte width that holds every unscaled value of `precision` digits. */
export function decimalByteLength(precision: number): number {
  const max = 10n ** BigInt(precision) - 1n;
  let n = 1;
  while (1n << BigInt(8 * n - 1) <= max) n++;
  return n;
}

/**
 * The Parquet schema element of a field. Both the legacy converted type and the logical type are
 * set: Hive (and so Athena) reads the former, newer engines the latter.
 */
export function schemaElement(field: ParquetField): SchemaElement {
  const repetition_type = field.nullable ? 'OPTIONAL' : 'REQUIRED';
  const base = { name: field.name, repetition_type } as const;
  switch (field.type) {
    case 'string':
      return {
        ...base,
        type: 'BYTE_ARRAY',
        converted_type: 'UTF8',
        logical_type: { type: 'STRING' },
      };
    case 'int':
      return { ...base, type: 'INT32' };
    case 'bigint':
      return { ...base, type: 'INT64' };
    case 'double':
      return { ...base, type: 'DOUBLE' };
    case 'boolean':
      return { ...base, type: 'BOOLEAN' };
    case 'date':
      return { ...base, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } };
    case 'timestamp':
      // Millis adjusted to UTC: Athena's Hive reader maps it to `timestamp`; never INT96 or nanos.
      return {
        ...base,
        type: 'INT64',
        converted_type: 'TIMESTAMP_MILLIS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
      };
  }
  const decimal = parseDecimal(field.type);
  if (!decimal)
    throw new ParquetSchemaError(`unsupported column type ${String(field.type)}`, {
      column: field.name,
    });
  const { precision, scale } = decimal;
  const logical = {
    converted_type: 'DECIMAL',
    precision,
    scale,
    logical_type: { type: 'DECIMAL', precision, scale },
  } as const;
  if (precision <= 9) return { ...base, type: 'INT32', ...logical };
  if (precision <= 18) return { ...base, type: 'INT64', ...logical };
  return {
    ...base,
    type: 'FIXED_LEN_BYTE_ARRAY',
    type_length: decimalByteLength(precision),
    ...logical,
  };
}

/** The root plus one element per field, as hyparquet-writer expects a flat schema. */
export function parquetSchema(fields: ParquetField[]): SchemaElement[] {
  return [{ name: 'root', num_children: fields.length }, ...fields.map(schemaElement)];
}
