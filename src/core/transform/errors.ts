import { TerminalError } from '../errors.js';

/** The file's rejected/read ratio is above the contract's `maxRejectRatio`. */
export class RejectRatioExceededError extends TerminalError {}
