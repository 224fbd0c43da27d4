import type { HistoryEventType } from '@aws-sdk/client-sfn';
import { asStatesError, StatesError, StatesErrors } from './errors.js';
import { payload } from './history.js';
import { checkPayload } from './limits.js';
import { emit, ScopeAborted, type Scope } from './runtime.js';
import type { StateOutcome, StateRun } from './states/common.js';
import { runChoice } from './states/choice.js';
import { runMap } from './states/map.js';
import { runParallel } from './states/parallel.js';
import { runPass } from './states/pass.js';
import { runTask } from './states/task.js';
import { runFail, runSucceed } from './states/terminal.js';
import { runWait } from './states/wait.js';
import type { ScopeProgress } from './store/ExecutionStore.js';
import type { AslState, AslStates } from './types.js';

const HANDLERS: Record<AslState['Type'], (run: StateRun) => Promise<StateOutcome>> = {
  Task: runTask,
  Pass: runPass,
  Choice: runChoice,
  Wait: runWait,
  Succeed: runSucceed,
  Fail: runFail,
  Parallel: runParallel,
  Map: runMap,
};

/**
 * Runs a States block in a scope, from StartAt or (on redrive) from the checkpointed state with
 * its saved input and variables. Each state's entry is checkpointed so a later redrive can
 * resume exactly there. Returns the scope's output or throws a StatesError.
 */
export async function runStates(
  block: AslStates,
  input: unknown,
  scope: Scope,
  resume?: ScopeProgress,
): Promise<unknown> {
  const { progress } = scope.rt;
  if (resume?.status === 'SUCCEEDED') return resume.output;
  let name = resume?.state ?? block.StartAt;
  let stateInput = resume?.state ? resume.input : input;
  if (resume?.state && resume.variables) scope.local = structuredClone(resume.variables);
  let redrive = !!resume?.state;
  for (;;) {
    if (scope.signal.aborted) throw new ScopeAborted();
    const state = block.States[name];
    if (!state) throw new StatesError(StatesErrors.Runtime, `State '${name}' does not exist`);
    const entryVariables = structuredClone(scope.local);
    progress.set(scope.path, {
      status: 'RUNNING',
      state: name,
      input: stateInput,
      variables: entryVariables,
    });
    let outcome: StateOutcome;
    try {
      outcome = await runState(name, state, stateInput, scope, redrive);
    } catch (err) {
      progress.set(scope.path, {
        status: 'FAILED',
        state: name,
        input: stateInput,
        variables: entryVariables,
      });
      throw err;
    }
    redrive = false;
    if (outcome.next === undefined || state.Type === 'Succeed') {
      progress.set(scope.path, { status: 'SUCCEEDED', output: outcome.output });
      return outcome.output;
    }
    name = outcome.next;
    stateInput = outcome.output;
  }
}

async function runState(
  name: string,
  state: AslState,
  input: unknown,
  scope: Scope,
  redrive: boolean,
): Promise<StateOutcome> {
  const clock = scope.rt.deps.clock;
  const enteredTime = new Date(clock.now()).toISOString();
  const enteredEventId = emit(scope, `${state.Type}StateEntered` as HistoryEventType, {
    stateEnteredEventDetails: {
      name,
      input: payload(input).text,
      inputDetails: payload(input).details,
    },
  });
  const run: StateRun = { name, state, input, scope, enteredEventId, enteredTime, redrive };
  let outcome: StateOutcome;
  try {
    outcome = await HANDLERS[state.Type](run);
    checkPayload(outcome.output, 'state output', name);
    checkPayload(outcome.assign, 'Assign block', name);
    applyAssign(scope, outcome.assign, name);
  } catch (thrown) {
    if (thrown instanceof ScopeAborted) throw thrown;
    const err = asStatesError(thrown);
    if (err.error === StatesErrors.QueryEvaluationError && err.location) {
      emit(scope, 'EvaluationFailed', {
        evaluationFailedEventDetails: {
          error: err.error,
          cause: err.cause,
          location: err.location,
          state: name,
        },
      });
    }
    throw err;
  }
  if (state.Type !== 'Fail') {
    const assigned = Object.keys(outcome.assign).length
      ? {
          assignedVariables: Object.fromEntries(
            Object.entries(outcome.assign).map(([k, v]) => [k, JSON.stringify(v)]),
          ),
          assignedVariablesDetails: { truncated: false },
        }
      : {};
    emit(scope, `${state.Type}StateExited` as HistoryEventType, {
      stateExitedEventDetails: {
        name,
        output: payload(outcome.output).text,
        outputDetails: payload(outcome.output).details,
        ...assigned,
      },
    });
  }
  return outcome;
}

/** Assign after evaluation; an inner scope may not assign a name of an outer one (SPEC "Variable scope"). */
function applyAssign(scope: Scope, assign: Record<string, unknown>, stateName: string): void {
  for (const [key, value] of Object.entries(assign)) {
    if (key in scope.outer && !(key in scope.local)) {
      throw new StatesError(
        StatesErrors.Runtime,
        `State '${stateName}' cannot assign variable '${key}': it is defined in an outer scope`,
      );
    }
    scope.local[key] = value;
  }
}
