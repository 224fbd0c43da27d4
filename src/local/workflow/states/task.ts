import { randomUUID } from 'node:crypto';
import { StatesError, StatesErrors } from '../errors.js';
import { payload } from '../history.js';
import { evaluateTemplate } from '../jsonataEval.js';
import { invokeLambda, resolveLambda } from '../lambda.js';
import { checkPayload } from '../limits.js';
import { emit, ScopeAborted } from '../runtime.js';
import {
  evalEnv,
  finishWithResult,
  withRetryAndCatch,
  type StateOutcome,
  type StateRun,
} from './common.js';

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[^:]+:[^:]+:function:/;

/** Task: Arguments (re-evaluated on each attempt), invoke, then Output/Assign; Retry and Catch. */
export async function runTask(run: StateRun): Promise<StateOutcome> {
  return withRetryAndCatch(run, async (retryCount) => {
    const env = evalEnv(run, { retryCount });
    const args =
      run.state.Arguments === undefined
        ? run.input
        : await evaluateTemplate(run.state.Arguments, env, 'Arguments');
    const timeoutSeconds = await positiveInt(run, 'TimeoutSeconds', env);
    const result = await invoke(run, args, timeoutSeconds);
    checkPayload(result, 'task result', run.name);
    return finishWithResult(run, result, retryCount);
  });
}

async function positiveInt(
  run: StateRun,
  field: 'TimeoutSeconds' | 'HeartbeatSeconds',
  env: ReturnType<typeof evalEnv>,
): Promise<number | undefined> {
  const raw = run.state[field];
  if (raw === undefined) return undefined;
  const value = await evaluateTemplate(raw, env, field);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new StatesError(
      StatesErrors.QueryEvaluationError,
      `The ${field} field of state '${run.name}' must be a positive integer, got ${JSON.stringify(value)}.`,
      field,
    );
  }
  return value;
}

/** `arn:aws:states:::s3:getObject` → `{resourceType: 's3', resource: 'getObject'}`. */
function serviceParts(resource: string): { resourceType: string; resource: string } {
  const match = /^arn:aws[a-z-]*:states:[^:]*:[^:]*:([^:]+):(.+)$/.exec(resource);
  return match
    ? { resourceType: match[1]!, resource: match[2]! }
    : { resourceType: 'unknown', resource };
}

async function invoke(
  run: StateRun,
  args: unknown,
  timeoutSeconds: number | undefined,
): Promise<unknown> {
  const resource = run.state.Resource ?? '';
  const { deps } = run.scope.rt;
  const timeoutMs = timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000;
  if (LAMBDA_ARN.test(resource)) return invokePlainLambda(run, resource, args, timeoutSeconds);
  const parts = serviceParts(resource);
  const region = deps.region;
  emit(run.scope, 'TaskScheduled', {
    taskScheduledEventDetails: {
      ...parts,
      region,
      parameters: payload(args).text,
      ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
    },
  });
  emit(run.scope, 'TaskStarted', { taskStartedEventDetails: parts });
  try {
    let result: unknown;
    if (resource === LAMBDA_INVOKE) {
      const a = (args ?? {}) as { FunctionName?: unknown; Payload?: unknown };
      if (typeof a.FunctionName !== 'string')
        throw new StatesError(
          'Lambda.InvalidParameterValueException',
          'FunctionName is required in Arguments of lambda:invoke',
        );
      const fn = resolveLambda(deps.lambdas, a.FunctionName, deps.region, deps.accountId);
      if (!fn)
        throw new StatesError(
          'Lambda.ResourceNotFoundException',
          `Function not found: ${a.FunctionName} (no local handler registered under that name or ARN)`,
        );
      const requestId = randomUUID();
      const value = await invokeLambda(fn, a.Payload ?? null, {
        clock: deps.clock,
        timeoutMs,
        signal: run.scope.signal,
      });
      // The optimised integration wraps the return value (LS test_mixed_query_language).
      result = {
        ExecutedVersion: '$LATEST',
        Payload: value,
        SdkHttpMetadata: { AllHttpHeaders: {}, HttpHeaders: {}, HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: requestId },
        StatusCode: 200,
      };
    } else {
      const integration = deps.integrations[resource];
      if (!integration) {
        throw new StatesError(
          StatesErrors.Runtime,
          `No local integration for Resource '${resource}' in state '${run.name}': register it in WorkflowRunner's 'integrations' (or its function in 'lambdas').`,
        );
      }
      result = await withTimeout(
        run,
        integration({ resource, arguments: args, timeoutMs, signal: run.scope.signal }),
        timeoutMs,
      );
    }
    emit(run.scope, 'TaskSucceeded', {
      taskSucceededEventDetails: {
        ...parts,
        output: payload(result).text,
        outputDetails: payload(result).details,
      },
    });
    return result;
  } catch (thrown) {
    if (thrown instanceof ScopeAborted) throw thrown; // stopped: no TaskFailed, no retry, no catch
    const err =
      thrown instanceof StatesError
        ? thrown
        : new StatesError(
            (thrown as Error)?.name || 'Error',
            (thrown as Error)?.message ?? String(thrown),
          );
    if (err.error === StatesErrors.Timeout)
      emit(run.scope, 'TaskTimedOut', {
        taskTimedOutEventDetails: { ...parts, error: err.error, cause: err.cause },
      });
    else
      emit(run.scope, 'TaskFailed', {
        taskFailedEventDetails: { ...parts, error: err.error, cause: err.cause },
      });
    throw err;
  }
}

async function withTimeout(
  run: StateRun,
  work: Promise<unknown>,
  timeoutMs: number | undefined,
): Promise<unknown> {
  if (timeoutMs === undefined) return work;
  const guard = new AbortController();
  const timedOut = Symbol('timeout');
  try {
    const result = await Promise.race([
      work,
      run.scope.rt.deps.clock
        .sleep(timeoutMs, { weak: true, signal: guard.signal })
        .then(() => timedOut),
    ]);
    if (result === timedOut && !guard.signal.aborted) {
      work.catch(() => undefined);
      throw new StatesError(StatesErrors.Timeout, '');
    }
    return result;
  } finally {
    guard.abort();
  }
}

/** A plain function ARN: the event is the Arguments, the result the return value (LambdaFunction* events). */
async function invokePlainLambda(
  run: StateRun,
  resource: string,
  args: unknown,
  timeoutSeconds: number | undefined,
): Promise<unknown> {
  const { deps } = run.scope.rt;
  emit(run.scope, 'LambdaFunctionScheduled', {
    lambdaFunctionScheduledEventDetails: {
      resource,
      input: payload(args).text,
      inputDetails: payload(args).details,
      ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
    },
  });
  emit(run.scope, 'LambdaFunctionStarted');
  try {
    const fn = resolveLambda(deps.lambdas, resource, deps.region, deps.accountId);
    if (!fn)
      throw new StatesError(
        'Lambda.ResourceNotFoundException',
        `Function not found: ${resource} (no local handler registered under that name or ARN)`,
      );
    const value = await invokeLambda(fn, args, {
      clock: deps.clock,
      timeoutMs: timeoutSeconds && timeoutSeconds * 1000,
      signal: run.scope.signal,
    });
    emit(run.scope, 'LambdaFunctionSucceeded', {
      lambdaFunctionSucceededEventDetails: {
        output: payload(value).text,
        outputDetails: payload(value).details,
      },
    });
    return value;
  } catch (thrown) {
    if (thrown instanceof ScopeAborted) throw thrown; // stopped: no LambdaFunctionFailed, no retry, no catch
    const err = thrown as StatesError;
    if (err.error === StatesErrors.Timeout)
      emit(run.scope, 'LambdaFunctionTimedOut', {
        lambdaFunctionTimedOutEventDetails: { error: err.error, cause: err.cause },
      });
    else
      emit(run.scope, 'LambdaFunctionFailed', {
        lambdaFunctionFailedEventDetails: { error: err.error, cause: err.cause },
      });
    throw err;
  }
}
