import { TerminalError } from '../errors.js';

/** A field whose type has no Parquet mapping (e.g. decimal precision above 38). */
export class ParquetSchemaError extends TerminalError {
  override name = 'ParquetSchemaError';
}

/** A value that does not fit its column (wrong JS type, or null in a non-nullable column). */
export class ParquetValueError extends TerminalError {
  override name = 'ParquetValueError';
}
