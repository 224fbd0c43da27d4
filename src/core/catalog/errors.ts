/** Errors of the catalog: shared by the Glue adapter and the local catalog. */
import { TerminalError, TransientError } from '../errors.js';

/** The new table input cannot replace the existing table without breaking readers of its data. */
export class SchemaConflictError extends TerminalError {
  override name = 'SchemaConflictError';
}

/** A value that cannot become part of a table or partition input (type, name, date or hour). */
export class CatalogInputError extends TerminalError {
  override name = 'CatalogInputError';
}

/** The catalog stayed busy (concurrent updates, throttling) through every retry; the workflow retries later. */
export class CatalogBusyError extends TransientError {
  override name = 'CatalogBusyError';
}

/**
 * The contract's `partitioning` differs from the one the existing table was laid out with: its
 * files sit under the old layout, so the table cannot change in place.
 */
export class PartitioningChangedError extends TerminalError {
  override name = 'PartitioningChangedError';
}
