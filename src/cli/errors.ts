/** Exit codes of `lake`, for scripts. */
export const EXIT = {
  ok: 0,
  /** The work ran and failed: an execution failed, a query was refused. */
  failed: 1,
  /** The command line was wrong. */
  usage: 2,
  /** The twin (or AWS stage) could not be reached or started. */
  unavailable: 3,
} as const;

/** A failure the CLI reports as one clear line plus a hint, without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
    readonly hint?: string,
  ) {
    super(message);
  }
}
