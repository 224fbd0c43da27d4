import { DataError } from '../errors.js';

/** The file is not valid UTF-8; the message gives the byte offset of the first bad sequence. */
export class EncodingError extends DataError {
  override name = 'EncodingError';
}

/** The file's header record does not name the contract's columns in order. */
export class HeaderMismatchError extends DataError {
  override name = 'HeaderMismatchError';
}
