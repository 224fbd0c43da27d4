import { TerminalError, TransientError } from './errors.js';

/** The object a step needs is not in the store (deleted, or the key is wrong). Terminal. */
export class ObjectNotFoundError extends TerminalError {
  override name = 'ObjectNotFoundError';
}

/** The object store is slow, throttling or unreachable; a retry with backoff may succeed. */
export class StorageUnavailableError extends TransientError {
  override name = 'StorageUnavailableError';
}

/**
 * A conditional request's condition did not hold (HTTP 412): the object changed, or exists, since
 * it was read. Not retried by the workflow: the step that set the condition decides (re-read, or
 * stand down).
 */
export class PreconditionFailedError extends TerminalError {
  override name = 'PreconditionFailedError';
}
