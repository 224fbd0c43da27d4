/** Errors of the local query engine. */
import { TerminalError } from '../../core/errors.js';

/**
 * DuckDB refused or failed the SQL (syntax, unknown table or column, type error), or the twin
 * refused what Athena refuses: then the message is Trino's (`TYPE_MISMATCH: line 1:46: Cannot
 * apply operator: date = varchar(10)`) and `code` is Athena's error code.
 */
export class QueryError extends TerminalError {
  override name = 'QueryError';

  /** Athena's error code of a refusal (`TYPE_MISMATCH`, `SYNTAX_ERROR`, …), else undefined. */
  get code(): string | undefined {
    const code = this.context.code;
    return typeof code === 'string' ? code : undefined;
  }
}
