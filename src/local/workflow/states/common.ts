import { contextObject } from '../context.js';
import { RetryTracker, findCatcher } from '../errorHandling.js';
import type { StatesError } from '../errors.js';
import { asStatesError } from '../errors.js';
import { evaluateAssign, evaluateTemplate, type EvalEnv } from '../jsonataEval.js';
import { checkPayload } from '../limits.js';
import { ScopeAborted, visibleVariables, type Scope } from '../runtime.js';
import type { AslState } from '../types.js';

/** One state being run. */
export interface StateRun {
  name: string;
  state: AslState;
  input: unknown;
  scope: Scope;
  enteredEventId: number;
  enteredTime: string;
  /** True when this state is the resume point of a redrive. */
  redrive: boolean;
}

/** What a state hands back: its output, the variables to assign, and where to go. */
export interface StateOutcome {
  output: unknown;
  assign: Record<string, unknown>;
  /** The next state; undefined ends the scope. */
  next?: string;
}

/** Extra `$states` fields and context details for one evaluation. */
export interface EnvExtras {
  result?: unknown;
  errorOutput?: unknown;
  retryCount?: number;
  mapItem?: { Index: number; Value: unknown };
}

/** The evaluation environment for a field of this state. */
export function evalEnv(run: StateRun, extras: EnvExtras = {}): EvalEnv {
  const states: EvalEnv['states'] = {
    input: run.input,
    context: contextObject(run.scope, {
      name: run.name,
      enteredTime: run.enteredTime,
      retryCount: extras.retryCount,
      mapItem: extras.mapItem,
    }),
  };
  if ('result' in extras) states.result = extras.result;
  if ('errorOutput' in extras) states.errorOutput = extras.errorOutput;
  return {
    states,
    variables: visibleVariables(run.scope),
    stateName: run.name,
    enteredEventId: run.enteredEventId,
  };
}

/** The state's default transition. */
export function defaultNext(state: AslState): string | undefined {
  return state.End ? undefined : state.Next;
}

/** Output and Assign of a Task, Map or Parallel, both seeing the same `$states.result`. */
export async function finishWithResult(
  run: StateRun,
  result: unknown,
  retryCount?: number,
): Promise<StateOutcome> {
  const env = evalEnv(run, { result, retryCount });
  const output =
    run.state.Output === undefined
      ? result
      : await evaluateTemplate(run.state.Output, env, 'Output');
  const assign = await evaluateAssign(run.state.Assign, env);
  return { output, assign, next: defaultNext(run.state) };
}

/** Output and Assign of a state without a result (Pass, Wait, Choice). */
export async function finishWithInput(
  run: StateRun,
  overrides: { Output?: unknown; Assign?: Record<string, unknown> } = run.state,
): Promise<StateOutcome> {
  const env = evalEnv(run);
  const output =
    overrides.Output === undefined
      ? run.input
      : await evaluateTemplate(overrides.Output, env, 'Output');
  const assign = await evaluateAssign(overrides.Assign, env);
  return { output, assign, next: defaultNext(run.state) };
}

/**
 * Runs `attempt` under the state's Retry, then its Catch. A catcher's Output and Assign see
 * `$states.errorOutput`; without Output the `{Error, Cause}` object is passed on, and the
 * state's top-level Assign is skipped (SPEC "Catch"; LS states_variables/test_error_output).
 */
export async function withRetryAndCatch(
  run: StateRun,
  attempt: (retryCount: number) => Promise<StateOutcome>,
  onRetry?: (err: StatesError) => void,
): Promise<StateOutcome> {
  const retries = new RetryTracker(run.state.Retry);
  let retryCount = 0;
  for (;;) {
    try {
      return await attempt(retryCount);
    } catch (thrown) {
      if (thrown instanceof ScopeAborted) throw thrown;
      const err = asStatesError(thrown);
      const delay = retries.next(err);
      if (delay !== undefined) {
        onRetry?.(err);
        await run.scope.rt.deps.clock.sleep(delay, { signal: run.scope.signal });
        if (run.scope.signal.aborted) throw new ScopeAborted();
        retryCount++;
        continue;
      }
      const catcher = findCatcher(run.state.Catch, err);
      if (!catcher) throw err;
      const errorOutput = err.toErrorOutput();
      const env = evalEnv(run, { errorOutput });
      const output =
        catcher.Output === undefined
          ? errorOutput
          : await evaluateTemplate(catcher.Output, env, 'Output');
      const assign = await evaluateAssign(catcher.Assign, env);
      checkPayload(output, 'state output', run.name);
      return { output, assign, next: catcher.Next };
    }
  }
}
