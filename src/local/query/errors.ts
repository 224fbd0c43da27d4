/** Errors of the local query engine. */
import { TerminalError } from '../../core/errors.js';

/** DuckDB refused or failed the SQL (syntax, unknown table or column, type error). */
export class QueryError extends TerminalError {
  override name = 'QueryError';
}
