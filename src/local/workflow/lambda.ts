import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import { StatesError, StatesErrors } from './errors.js';
import { toJson } from './jsonataEval.js';
import { ScopeAborted } from './runtime.js';
import type { LambdaContext, LambdaHandler } from './types.js';

const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:([^:]+):([^:]+):function:([^:]+)(?::([^:]+))?$/;

/** A Lambda resolved from the registry. */
export interface ResolvedLambda {
  handler: LambdaHandler;
  functionName: string;
  functionArn: string;
}

/** The bare function name of a name, a full ARN or a partial `name:alias`. */
export function functionNameOf(ref: string): string {
  const arn = FUNCTION_ARN.exec(ref);
  if (arn) return arn[3]!;
  return ref.split(':')[0]!;
}

/** Finds a handler by exact key, then by function name (so ARNs and names both work). */
export function resolveLambda(
  lambdas: Record<string, LambdaHandler>,
  ref: string,
  region: string,
  accountId: string,
): ResolvedLambda | undefined {
  const name = functionNameOf(ref);
  const key = lambdas[ref]
    ? ref
    : lambdas[name]
      ? name
      : Object.keys(lambdas).find((k) => functionNameOf(k) === name);
  if (!key) return undefined;
  const functionArn = FUNCTION_ARN.test(ref)
    ? ref
    : `arn:aws:lambda:${region}:${accountId}:function:${name}`;
  return { handler: lambdas[key]!, functionName: name, functionArn };
}

/** The Lambda-style failure of a thrown value: Error is its errorType (its `name`). */
export function lambdaFailure(thrown: unknown, requestId: string): StatesError {
  const err = thrown instanceof Error ? thrown : new Error(String(thrown));
  const errorType = err.name || 'Error';
  const stackTrace = (err.stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim());
  const cause = JSON.stringify({ errorMessage: err.message, errorType, requestId, stackTrace });
  return new StatesError(errorType, cause);
}

/** Options of one invocation. */
export interface InvokeOptions {
  clock: Clock;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Calls a local handler like Lambda does: a fresh request id, a context whose remaining time
 * follows the clock, the return value as JSON, a thrown error as `{errorType, errorMessage}`,
 * and States.Timeout when TimeoutSeconds passes on the clock first.
 */
export async function invokeLambda(
  fn: ResolvedLambda,
  event: unknown,
  options: InvokeOptions,
): Promise<unknown> {
  const { clock, timeoutMs } = options;
  const requestId = randomUUID();
  const deadline = clock.now() + (timeoutMs ?? 900_000);
  const context: LambdaContext = {
    awsRequestId: requestId,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: fn.functionArn,
    memoryLimitInMB: '128',
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `local/${requestId}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - clock.now()),
  };
  const call = (async () => fn.handler(structuredClone(event), context))();
  const guard = new AbortController();
  const timedOut = Symbol('timeout');
  const stopped = Symbol('stopped');
  const { signal } = options;
  let onStop: (() => void) | undefined;
  try {
    const racers: Promise<unknown>[] = [call];
    if (timeoutMs !== undefined)
      racers.push(
        clock.sleep(timeoutMs, { weak: true, signal: guard.signal }).then(() => timedOut),
      );
    // A stopped execution does not wait for its handlers: the call is abandoned (its result ignored).
    if (signal)
      racers.push(
        new Promise((resolve) =>
          signal.aborted
            ? resolve(stopped)
            : signal.addEventListener('abort', (onStop = () => resolve(stopped))),
        ),
      );
    const result = await Promise.race(racers);
    if (result === stopped) {
      call.catch(() => undefined);
      throw new ScopeAborted();
    }
    if (result === timedOut && !guard.signal.aborted) {
      call.catch(() => undefined);
      throw new StatesError(StatesErrors.Timeout, '');
    }
    return toJson(result) ?? null;
  } catch (err) {
    if (err instanceof StatesError || err instanceof ScopeAborted) throw err;
    throw lambdaFailure(err, requestId);
  } finally {
    guard.abort();
    if (onStop) signal?.removeEventListener('abort', onStop);
  }
}
