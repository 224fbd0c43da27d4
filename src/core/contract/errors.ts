import { DataError, TerminalError } from '../errors.js';

/** A contract file that is not valid; the message names the file and the field path. */
export class ContractError extends TerminalError {
  override name = 'ContractError';
}

/** No contract's `files` pattern matches the uploaded object's file name. */
export class UnknownDatasetError extends DataError {
  override name = 'UnknownDatasetError';
}
