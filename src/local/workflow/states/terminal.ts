import { StatesError, StatesErrors } from '../errors.js';
import { evaluateTemplate } from '../jsonataEval.js';
import { evalEnv, type StateOutcome, type StateRun } from './common.js';

/** Succeed: ends the scope; Output applies, Assign does not exist here. */
export async function runSucceed(run: StateRun): Promise<StateOutcome> {
  const output =
    run.state.Output === undefined
      ? run.input
      : await evaluateTemplate(run.state.Output, evalEnv(run), 'Output');
  return { output, assign: {}, next: undefined };
}

/** Fail: raises Error and Cause (literals or expressions that must return strings). */
export async function runFail(run: StateRun): Promise<StateOutcome> {
  const env = evalEnv(run);
  const text = async (field: 'Error' | 'Cause'): Promise<string> => {
    const value = run.state[field];
    if (value === undefined) return '';
    const result = await evaluateTemplate(value, env, field);
    if (typeof result !== 'string') {
      throw new StatesError(
        StatesErrors.QueryEvaluationError,
        `The ${field} field of state '${run.name}' must be a string, got ${JSON.stringify(result)}.`,
        field,
      );
    }
    return result;
  };
  throw new StatesError(await text('Error'), await text('Cause'));
}
