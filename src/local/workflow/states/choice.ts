import { StatesError, StatesErrors } from '../errors.js';
import { evaluateTemplate } from '../jsonataEval.js';
import { evalEnv, finishWithInput, type StateOutcome, type StateRun } from './common.js';

/**
 * Choice: the first rule whose Condition is true wins; its own Output/Assign take the place of
 * the state's (localstack #12048, #12061); no match and no Default is States.NoChoiceMatched.
 */
export async function runChoice(run: StateRun): Promise<StateOutcome> {
  const env = evalEnv(run);
  const rules = run.state.Choices ?? [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const field = `Choices[${i}]/Condition`;
    const value = await evaluateTemplate(rule.Condition, env, field);
    if (typeof value !== 'boolean') {
      throw new StatesError(
        StatesErrors.QueryEvaluationError,
        `The JSONata expression specified for the field '${field}' of state '${run.name}' must return a boolean, but returned ${JSON.stringify(value)}.`,
        field,
      );
    }
    if (value) {
      const outcome = await finishWithInput(run, {
        Output: rule.Output ?? run.state.Output,
        Assign: rule.Assign ?? run.state.Assign,
      });
      return { ...outcome, next: rule.Next };
    }
  }
  if (run.state.Default === undefined) {
    throw new StatesError(StatesErrors.NoChoiceMatched, `No Matches! (state '${run.name}')`);
  }
  const outcome = await finishWithInput(run);
  return { ...outcome, next: run.state.Default };
}
