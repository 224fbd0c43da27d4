/**
 * The error families of the data path. An error's `name` is what the ASL Retry and Catch match,
 * so names are stable API: keep the README's error table in step with this file.
 *
 * - `TransientError`: a retry can help (storage slow-down, network, catalog contention).
 * - `TerminalError`: a retry cannot help (bad contract, bad file, too many rejects); the workflow
 *   quarantines the file.
 *
 * Subclasses declare their name as a literal (`override name = 'UnknownDatasetError'`): bundlers
 * minify class names, and the Lambda runtime reports `error.name` as the `errorType` ASL matches.
 */
export interface LakeErrorContext {
  dataset?: string;
  bucket?: string;
  key?: string;
  file?: string;
  field?: string;
  row?: number;
  column?: string;
  [extra: string]: unknown;
}

/** Base of every error the project raises on purpose. */
export class LakeError extends Error {
  readonly context: LakeErrorContext;
  constructor(message: string, context: LakeErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = context;
  }
}

/** A failure a retry may cure. */
export class TransientError extends LakeError {}

/** A failure no retry can cure: the input or the configuration must change. */
export class TerminalError extends LakeError {}

/**
 * The uploaded file itself is at fault (no dataset matches it, it is not UTF-8, its header is
 * wrong, too many of its rows are rejected). The workflow quarantines the file with the reason;
 * a new upload or `lake reprocess` after a contract fix is the way forward, not a redrive.
 */
export class DataError extends TerminalError {}
