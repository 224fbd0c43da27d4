import { asStatesError, type StatesError } from '../errors.js';
import { evaluateTemplate } from '../jsonataEval.js';
import { runStates } from '../interpreter.js';
import { childScope, emit, ScopeAborted } from '../runtime.js';
import {
  evalEnv,
  finishWithResult,
  withRetryAndCatch,
  type StateOutcome,
  type StateRun,
} from './common.js';

/**
 * Parallel: every branch gets the Arguments (default: the input) in its own scope; the result is
 * the array of branch outputs. A failed branch stops the others and the state fails with that
 * branch's own error (LS test_parallel_state_fail). On redrive only unsuccessful branches rerun.
 */
export async function runParallel(run: StateRun): Promise<StateOutcome> {
  return withRetryAndCatch(run, async (retryCount) => {
    const { scope } = run;
    const env = evalEnv(run, { retryCount });
    const input =
      run.state.Arguments === undefined
        ? run.input
        : await evaluateTemplate(run.state.Arguments, env, 'Arguments');
    const prefix = `${scope.path}/${run.name}(`;
    const resume = run.redrive && retryCount === 0;
    if (!resume) scope.rt.progress.clearUnder(prefix);
    emit(scope, 'ParallelStateStarted');
    const branches = run.state.Branches ?? [];
    const stop = new AbortController();
    const onParentAbort = (): void => stop.abort();
    scope.signal.addEventListener('abort', onParentAbort);
    const results: unknown[] = new Array(branches.length);
    let failure: StatesError | undefined;
    await Promise.all(
      branches.map(async (branch, i) => {
        const path = `${prefix}${i})`;
        const child = childScope(scope, path, stop.signal);
        try {
          results[i] = await runStates(
            branch,
            input,
            child,
            resume ? scope.rt.progress.get(path) : undefined,
          );
        } catch (err) {
          if (err instanceof ScopeAborted) return;
          failure ??= asStatesError(err);
          stop.abort();
        }
      }),
    );
    scope.signal.removeEventListener('abort', onParentAbort);
    if (scope.signal.aborted) throw new ScopeAborted();
    if (failure) {
      emit(scope, 'ParallelStateFailed');
      throw failure;
    }
    emit(scope, 'ParallelStateSucceeded');
    return finishWithResult(run, results, retryCount);
  });
}
