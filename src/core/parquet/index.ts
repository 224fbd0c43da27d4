export { encodeParquet, DEFAULT_ROW_GROUP_SIZE } from './encodeParquet.js';
export type { ColumnValues, EncodeParquetOptions } from './encodeParquet.js';
export { parquetSchema, schemaElement, parseDecimal, decimalByteLength } from './schema.js';
export type { ParquetField } from './schema.js';
export { ParquetSchemaError, ParquetValueError } from './errors.js';
export { encodeTypedColumns } from './encodeTypedColumns.js';
export type { TypedColumn } from './encodeTypedColumns.js';
