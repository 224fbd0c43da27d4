import { TerminalError } from '../errors.js';

/** The file is not valid UTF-8; the message gives the byte offset of the first bad sequence. */
export class EncodingError extends TerminalError {}

/** The file's header record does not name the contract's columns in order. */
export class HeaderMismatchError extends TerminalError {}
