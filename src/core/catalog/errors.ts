/** Errors of the catalog: shared by the Glue adapter and the local catalog. */
import { TerminalError } from '../errors.js';

/** The new table input cannot replace the existing table without breaking readers of its data. */
export class SchemaConflictError extends TerminalError {}

/** A value that cannot become part of a table or partition input (type, name, date or hour). */
export class CatalogInputError extends TerminalError {}
