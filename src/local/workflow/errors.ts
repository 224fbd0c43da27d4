/** The predefined error names of the States language (SPEC Appendix A). */
export const StatesErrors = {
  ALL: 'States.ALL',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Runtime: 'States.Runtime',
  DataLimitExceeded: 'States.DataLimitExceeded',
  QueryEvaluationError: 'States.QueryEvaluationError',
  NoChoiceMatched: 'States.NoChoiceMatched',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  BranchFailed: 'States.BranchFailed',
  Permissions: 'States.Permissions',
} as const;

/** A failure inside a state machine: `error` is the name Retry/Catch match, `cause` a string. */
export class StatesError extends Error {
  override name = 'StatesError';
  readonly error: string;
  override readonly cause: string;
  /** Where an expression failed (`Output/a`), for the EvaluationFailed event. */
  location?: string;
  constructor(error: string, cause = '', location?: string) {
    super(`${error}: ${cause}`);
    this.name = 'StatesError';
    this.error = error;
    this.cause = cause;
    this.location = location;
  }

  /** The `{Error, Cause}` object a Catcher without Output passes on. */
  toErrorOutput(): { Error: string; Cause: string } {
    return { Error: this.error, Cause: this.cause };
  }
}

/** Errors no Retry or Catch may handle (SPEC: Runtime and DataLimitExceeded end the execution). */
export function isUncatchable(error: string): boolean {
  return error === StatesErrors.Runtime || error === StatesErrors.DataLimitExceeded;
}

/** Thrown when a definition is refused before running, with every problem found. */
export class DefinitionError extends Error {
  override name = 'DefinitionError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid state machine definition:\n- ${problems.join('\n- ')}`);
    this.name = 'DefinitionError';
    this.problems = problems;
  }
}

/** Wraps anything thrown by runner code that is not already a StatesError. */
export function asStatesError(err: unknown, fallback: string = StatesErrors.Runtime): StatesError {
  if (err instanceof StatesError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new StatesError(fallback, message);
}
