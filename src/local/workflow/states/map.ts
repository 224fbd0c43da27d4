import { randomUUID } from 'node:crypto';
import { asStatesError, StatesError, StatesErrors } from '../errors.js';
import { evaluateTemplate, type EvalEnv } from '../jsonataEval.js';
import { runStates } from '../interpreter.js';
import { readItems } from '../itemReader.js';
import { runPool } from '../pool.js';
import { childScope, emit, ScopeAborted } from '../runtime.js';
import type { AslStates } from '../types.js';
import {
  evalEnv,
  finishWithResult,
  withRetryAndCatch,
  type StateOutcome,
  type StateRun,
} from './common.js';

/** Failure tolerance of one Map run. */
interface Tolerance {
  count?: number;
  percentage?: number;
}

/**
 * Map: Items (or ItemReader, or the input), ItemSelector per item with `$states.context.Map.Item`,
 * ItemBatcher, MaxConcurrency, failure tolerance; INLINE iterations run as scopes in this
 * execution, DISTRIBUTED ones as child executions with no access to outer variables.
 */
export async function runMap(run: StateRun): Promise<StateOutcome> {
  return withRetryAndCatch(run, async (retryCount) => {
    const env = evalEnv(run, { retryCount });
    const processor = (run.state.ItemProcessor ?? run.state.Iterator) as AslStates;
    const distributed = processor.ProcessorConfig?.Mode === 'DISTRIBUTED';
    const items = await itemsOf(run, env);
    const inputs = await iterationInputs(run, env, items);
    const maxConcurrency = (await optionalNumber(run, env, 'MaxConcurrency')) ?? 0;
    const tolerance: Tolerance = {
      count: await optionalNumber(run, env, 'ToleratedFailureCount'),
      percentage: await optionalNumber(run, env, 'ToleratedFailurePercentage'),
    };
    const results = await runIterations(run, processor, inputs, {
      distributed,
      maxConcurrency,
      tolerance,
      retryCount,
    });
    return finishWithResult(run, results, retryCount);
  });
}

async function itemsOf(run: StateRun, env: EvalEnv): Promise<unknown[]> {
  const reader = run.state.ItemReader;
  let items: unknown;
  if (reader) {
    const args =
      reader.Arguments === undefined
        ? {}
        : await evaluateTemplate(reader.Arguments, env, 'ItemReader/Arguments');
    const config = reader.ReaderConfig ?? {};
    const maxItems =
      config.MaxItems === undefined
        ? undefined
        : ((await evaluateTemplate(
            config.MaxItems,
            env,
            'ItemReader/ReaderConfig/MaxItems',
          )) as number);
    items = await readItems(
      { resource: reader.Resource, arguments: args, config, maxItems },
      run.scope.rt.deps.objectReader,
    );
  } else if (run.state.Items !== undefined) {
    items = await evaluateTemplate(run.state.Items, env, 'Items');
  } else {
    items = run.input;
  }
  if (!Array.isArray(items)) {
    const kind = items === null ? 'null' : typeof items === 'object' ? 'object' : typeof items;
    throw new StatesError(
      StatesErrors.QueryEvaluationError,
      `Map state '${run.name}': Expected 'array', but was '${kind}'`,
      'Items',
    );
  }
  return items;
}

/** ItemSelector per item, then ItemBatcher: the inputs the iterations receive. */
async function iterationInputs(run: StateRun, env: EvalEnv, items: unknown[]): Promise<unknown[]> {
  const selected: unknown[] = [];
  for (let index = 0; index < items.length; index++) {
    const value = items[index];
    if (run.state.ItemSelector === undefined) selected.push(value);
    else
      selected.push(
        await evaluateTemplate(
          run.state.ItemSelector,
          evalEnv(run, { mapItem: { Index: index, Value: value } }),
          'ItemSelector',
        ),
      );
  }
  const batcher = run.state.ItemBatcher;
  if (!batcher) return selected;
  const maxItems =
    batcher.MaxItemsPerBatch === undefined
      ? undefined
      : ((await evaluateTemplate(
          batcher.MaxItemsPerBatch,
          env,
          'ItemBatcher/MaxItemsPerBatch',
        )) as number);
  const maxBytes =
    batcher.MaxInputBytesPerBatch === undefined
      ? undefined
      : ((await evaluateTemplate(
          batcher.MaxInputBytesPerBatch,
          env,
          'ItemBatcher/MaxInputBytesPerBatch',
        )) as number);
  const batchInput =
    batcher.BatchInput === undefined
      ? undefined
      : await evaluateTemplate(batcher.BatchInput, env, 'ItemBatcher/BatchInput');
  const batches: unknown[][] = [];
  let current: unknown[] = [];
  let bytes = 0;
  for (const item of selected) {
    const size = Buffer.byteLength(JSON.stringify(item));
    const full =
      (maxItems !== undefined && current.length >= maxItems) ||
      (maxBytes !== undefined && current.length > 0 && bytes + size > maxBytes);
    if (full) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches.map((batch) =>
    batchInput === undefined ? { Items: batch } : { Items: batch, BatchInput: batchInput },
  );
}

async function optionalNumber(
  run: StateRun,
  env: EvalEnv,
  field: 'MaxConcurrency' | 'ToleratedFailureCount' | 'ToleratedFailurePercentage',
): Promise<number | undefined> {
  const raw = run.state[field];
  if (raw === undefined) return undefined;
  const value = await evaluateTemplate(raw, env, field);
  if (typeof value !== 'number' || value < 0) {
    throw new StatesError(
      StatesErrors.QueryEvaluationError,
      `The ${field} field of state '${run.name}' must be a non-negative number, got ${JSON.stringify(value)}.`,
      field,
    );
  }
  return value;
}

interface RunOptions {
  distributed: boolean;
  maxConcurrency: number;
  tolerance: Tolerance;
  retryCount: number;
}

async function runIterations(
  run: StateRun,
  processor: AslStates,
  inputs: unknown[],
  options: RunOptions,
): Promise<unknown[]> {
  const { scope } = run;
  const { rt } = scope;
  const prefix = `${scope.path}/${run.name}[`;
  const resume = run.redrive && options.retryCount === 0;
  if (!resume) rt.progress.clearUnder(prefix);
  const tolerated =
    options.tolerance.count !== undefined || options.tolerance.percentage !== undefined;
  const limit = Math.min(options.maxConcurrency || Infinity, rt.deps.maxConcurrency || Infinity);
  const mapRunId = randomUUID();
  const label = `${rt.stateMachineName}/${run.state.Label ?? run.name}`;
  const mapRunArn = `arn:aws:states:${rt.deps.region}:${rt.deps.accountId}:mapRun:${label}:${mapRunId}`;
  emit(scope, 'MapStateStarted', { mapStateStartedEventDetails: { length: inputs.length } });
  if (options.distributed)
    emit(scope, 'MapRunStarted', { mapRunStartedEventDetails: { mapRunArn } });

  const stop = new AbortController();
  const onParentAbort = (): void => stop.abort();
  scope.signal.addEventListener('abort', onParentAbort);
  const results: unknown[] = new Array(inputs.length).fill(null);
  let failures = 0;
  let firstFailure: StatesError | undefined;
  let thresholdBreached = false;
  const exceeded = (): boolean => {
    const { count, percentage } = options.tolerance;
    const countOk = count !== undefined && failures <= count;
    const pctOk =
      percentage !== undefined && (failures / Math.max(1, inputs.length)) * 100 <= percentage;
    return !(countOk || pctOk);
  };

  await runPool(inputs.length, limit === Infinity ? 0 : limit, stop.signal, async (index) => {
    const path = `${prefix}${index}]`;
    const saved = resume ? rt.progress.get(path) : undefined;
    if (saved?.status === 'SUCCEEDED') {
      results[index] = saved.output;
      return;
    }
    try {
      if (options.distributed) {
        results[index] = await runChildItem(
          run,
          processor,
          inputs[index],
          path,
          mapRunArn,
          label,
          saved?.childArn,
          stop.signal,
        );
      } else {
        results[index] = await runInlineIteration(
          run,
          processor,
          inputs[index],
          index,
          path,
          saved,
          stop.signal,
        );
      }
    } catch (err) {
      if (err instanceof ScopeAborted) return;
      const failure = asStatesError(err);
      failures++;
      firstFailure ??= failure;
      results[index] = failure.toErrorOutput();
      if (!(tolerated || options.distributed) || exceeded()) {
        thresholdBreached = true;
        stop.abort();
      }
    }
  });
  scope.signal.removeEventListener('abort', onParentAbort);
  if (scope.signal.aborted) throw new ScopeAborted();

  if (thresholdBreached && firstFailure) {
    // Inline without tolerance: the iteration's own error (LS test_map_state_fail); otherwise the
    // run as a whole failed its threshold.
    const error =
      tolerated || options.distributed
        ? new StatesError(
            StatesErrors.ExceedToleratedFailureThreshold,
            `The specified tolerated failure threshold was exceeded (${failures} of ${inputs.length} items failed). First failure: ${firstFailure.error}: ${firstFailure.cause}`,
          )
        : firstFailure;
    if (options.distributed)
      emit(scope, 'MapRunFailed', {
        mapRunFailedEventDetails: { error: error.error, cause: error.cause },
      });
    emit(scope, 'MapStateFailed');
    throw error;
  }
  if (options.distributed) emit(scope, 'MapRunSucceeded');
  emit(scope, 'MapStateSucceeded');
  return results;
}

async function runInlineIteration(
  run: StateRun,
  processor: AslStates,
  input: unknown,
  index: number,
  path: string,
  saved: Parameters<typeof runStates>[3],
  signal: AbortSignal,
): Promise<unknown> {
  const { scope } = run;
  const child = childScope(scope, path, signal);
  emit(child, 'MapIterationStarted', {
    mapIterationStartedEventDetails: { name: run.name, index },
  });
  try {
    const output = await runStates(processor, input, child, saved);
    emit(child, 'MapIterationSucceeded', {
      mapIterationSucceededEventDetails: { name: run.name, index },
    });
    return output;
  } catch (err) {
    if (err instanceof ScopeAborted)
      emit(child, 'MapIterationAborted', {
        mapIterationAbortedEventDetails: { name: run.name, index },
      });
    else
      emit(child, 'MapIterationFailed', {
        mapIterationFailedEventDetails: { name: run.name, index },
      });
    throw err;
  }
}

async function runChildItem(
  run: StateRun,
  processor: AslStates,
  input: unknown,
  path: string,
  mapRunArn: string,
  label: string,
  previousChildArn: string | undefined,
  signal: AbortSignal,
): Promise<unknown> {
  const { rt } = run.scope;
  let childArn = previousChildArn;
  try {
    const output = await rt.deps.runChild({
      parent: rt,
      processor,
      mapRunArn,
      stateMachineArn: `arn:aws:states:${rt.deps.region}:${rt.deps.accountId}:stateMachine:${label}`,
      input,
      previousChildArn,
      signal,
      onStarted: (arn) => {
        childArn = arn;
        rt.progress.set(path, { status: 'RUNNING', childArn: arn });
      },
    });
    rt.progress.set(path, { status: 'SUCCEEDED', childArn, output });
    return output;
  } catch (err) {
    rt.progress.set(path, { status: 'FAILED', childArn });
    throw err;
  }
}
