import { StatesError, StatesErrors } from '../errors.js';
import { evaluateTemplate } from '../jsonataEval.js';
import { ScopeAborted } from '../runtime.js';
import { evalEnv, finishWithInput, type StateOutcome, type StateRun } from './common.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Wait: Seconds (integer ≥ 0) or Timestamp (RFC 3339), on the runner's clock. */
export async function runWait(run: StateRun): Promise<StateOutcome> {
  const env = evalEnv(run);
  const clock = run.scope.rt.deps.clock;
  let ms = 0;
  if (run.state.Seconds !== undefined) {
    const seconds = await evaluateTemplate(run.state.Seconds, env, 'Seconds');
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw new StatesError(
        StatesErrors.QueryEvaluationError,
        `The Seconds field of state '${run.name}' must be a non-negative integer, got ${JSON.stringify(seconds)}.`,
        'Seconds',
      );
    }
    ms = seconds * 1000;
  } else if (run.state.Timestamp !== undefined) {
    const stamp = await evaluateTemplate(run.state.Timestamp, env, 'Timestamp');
    if (typeof stamp !== 'string' || !RFC3339.test(stamp) || Number.isNaN(Date.parse(stamp))) {
      throw new StatesError(
        StatesErrors.QueryEvaluationError,
        `The Timestamp field of state '${run.name}' must be an RFC 3339 string, got ${JSON.stringify(stamp)}.`,
        'Timestamp',
      );
    }
    ms = Math.max(0, Date.parse(stamp) - clock.now());
  }
  if (ms > 0) await clock.sleep(ms, { signal: run.scope.signal });
  if (run.scope.signal.aborted) throw new ScopeAborted();
  return finishWithInput(run);
}
