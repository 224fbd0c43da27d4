import { finishWithInput, type StateOutcome, type StateRun } from './common.js';

/** Pass: Output (default: the input) and Assign. */
export async function runPass(run: StateRun): Promise<StateOutcome> {
  return finishWithInput(run);
}
