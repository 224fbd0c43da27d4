import type { StatesError } from './errors.js';
import { asStatesError, StatesErrors } from './errors.js';
import { payload } from './history.js';
import { runStates } from './interpreter.js';
import { emit, ScopeAborted, type ExecutionRuntime, type Scope } from './runtime.js';
import type { SerialQueue } from './serialQueue.js';
import type { ExecutionRecord, ExecutionStore, ScopeProgress } from './store/ExecutionStore.js';
import type { AslStates } from './types.js';

/** One execution attempt (a start or a redrive) and what it needs. */
export interface ExecutionAttempt {
  rt: ExecutionRuntime;
  block: AslStates;
  record: ExecutionRecord;
  store: ExecutionStore;
  queue: SerialQueue;
  signal: AbortSignal;
  /** The machine's TimeoutSeconds, on the runner's clock. */
  timeoutSeconds?: number;
  /** The top-level checkpoint to resume from (redrive). */
  resume?: ScopeProgress;
}

/**
 * Runs the machine to its end, then records ExecutionSucceeded / ExecutionFailed /
 * ExecutionTimedOut / ExecutionAborted and the final record. Never throws for a state failure.
 */
export async function runExecution(attempt: ExecutionAttempt): Promise<ExecutionRecord> {
  const { rt, record } = attempt;
  const stop = new AbortController();
  const forward = (): void => stop.abort();
  attempt.signal.addEventListener('abort', forward);
  const scope: Scope = {
    rt,
    path: '',
    outer: {},
    local: {},
    prevEventId: rt.history.lastEventId,
    signal: stop.signal,
  };
  const timeout = new AbortController();
  let timedOut = false;
  if (attempt.timeoutSeconds) {
    void rt.deps.clock
      .sleep(attempt.timeoutSeconds * 1000, { weak: true, signal: timeout.signal })
      .then(() => {
        if (timeout.signal.aborted) return;
        timedOut = true;
        stop.abort();
      });
  }
  try {
    const output = await runStates(attempt.block, rt.input, scope, attempt.resume);
    const data = payload(output);
    emit(scope, 'ExecutionSucceeded', {
      executionSucceededEventDetails: { output: data.text, outputDetails: data.details },
    });
    Object.assign(record, { status: 'SUCCEEDED', output: data.text });
  } catch (thrown) {
    if (timedOut) {
      const cause = `The execution timed out after ${attempt.timeoutSeconds} seconds`;
      emit(scope, 'ExecutionTimedOut', {
        executionTimedOutEventDetails: { error: StatesErrors.Timeout, cause },
      });
      Object.assign(record, { status: 'TIMED_OUT', error: StatesErrors.Timeout, cause });
    } else if (thrown instanceof ScopeAborted) {
      // A stop with a reason (`WorkflowRunner.stopAll`) says why; a parent Map/Parallel's abort does not.
      const cause = typeof attempt.signal.reason === 'string' ? attempt.signal.reason : 'Aborted';
      emit(scope, 'ExecutionAborted', { executionAbortedEventDetails: { cause } });
      Object.assign(record, { status: 'ABORTED', cause });
    } else {
      const err: StatesError = asStatesError(thrown);
      // A Fail state without Error leaves only the cause (LS assign/test_assign_base).
      const details = err.error ? { error: err.error, cause: err.cause } : { cause: err.cause };
      emit(scope, 'ExecutionFailed', { executionFailedEventDetails: details });
      Object.assign(record, { status: 'FAILED', error: err.error || undefined, cause: err.cause });
    }
  } finally {
    timeout.abort();
    attempt.signal.removeEventListener('abort', forward);
  }
  record.stopDate = new Date(rt.deps.clock.now()).toISOString();
  await attempt.queue.drain();
  await attempt.store.putExecution(record);
  return record;
}
