/** Stable rejection codes: part of the rejected table's contract, documented in docs/contracts.md. */
export type ErrorCode =
  | 'required'
  | 'type'
  | 'pattern'
  | 'format'
  | 'range'
  | 'enum'
  | 'length'
  | 'rule'
  | 'duplicate_key'
  | 'column_count';

/** One reason a row was rejected. `column` is null for row-level reasons (column count). */
export interface RowIssue {
  code: ErrorCode;
  column: string | null;
  message: string;
}
