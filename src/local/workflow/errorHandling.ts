import type { StatesError } from './errors.js';
import { StatesErrors, isUncatchable } from './errors.js';
import type { AslCatcher, AslRetrier } from './types.js';

/**
 * Whether a retrier's or catcher's ErrorEquals matches `error` (SPEC "Error names"):
 * States.ALL matches everything catchable, States.TaskFailed everything but States.Timeout.
 */
export function errorMatches(errorEquals: string[], error: string): boolean {
  if (isUncatchable(error)) return false;
  return errorEquals.some((name) => {
    if (name === StatesErrors.ALL) return true;
    if (name === StatesErrors.TaskFailed)
      return error !== StatesErrors.Timeout && error !== StatesErrors.HeartbeatTimeout;
    return name === error;
  });
}

/** Milliseconds to wait before retry number `attempt + 1` (attempt counts from 0). */
export function retryDelayMs(
  retrier: AslRetrier,
  attempt: number,
  random: () => number = Math.random,
): number {
  const interval = retrier.IntervalSeconds ?? 1;
  const backoff = retrier.BackoffRate ?? 2;
  let seconds = interval * Math.pow(backoff, attempt);
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') seconds = random() * seconds;
  return Math.round(seconds * 1000);
}

/**
 * Tracks one state's retriers: the first retrier that matches decides; an exhausted one does not
 * fall through to later retriers (SPEC "Retrying after error").
 */
export class RetryTracker {
  private readonly attempts: number[];

  constructor(private readonly retriers: AslRetrier[] = []) {
    this.attempts = retriers.map(() => 0);
  }

  /** The delay before the next attempt, or undefined when the error must go to Catch. */
  next(err: StatesError): number | undefined {
    const index = this.retriers.findIndex((r) => errorMatches(r.ErrorEquals, err.error));
    if (index < 0) return undefined;
    const retrier = this.retriers[index]!;
    const attempt = this.attempts[index]!;
    if (attempt >= (retrier.MaxAttempts ?? 3)) return undefined;
    this.attempts[index] = attempt + 1;
    return retryDelayMs(retrier, attempt);
  }
}

/** The first catcher that matches, if any. */
export function findCatcher(
  catchers: AslCatcher[] | undefined,
  err: StatesError,
): AslCatcher | undefined {
  return catchers?.find((c) => errorMatches(c.ErrorEquals, err.error));
}
