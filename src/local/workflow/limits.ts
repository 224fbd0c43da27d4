import { StatesError, StatesErrors } from './errors.js';

/** 256 KiB: the largest input, output, result or Assign block (DG service-quotas.html). */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** Size of a value as UTF-8 JSON. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
}

/** Throws States.DataLimitExceeded when `value` is over the payload limit. */
export function checkPayload(value: unknown, what: string, stateName?: string): void {
  const bytes = payloadBytes(value);
  if (bytes > PAYLOAD_LIMIT_BYTES) {
    const where = stateName ? ` for state/task '${stateName}'` : '';
    throw new StatesError(
      StatesErrors.DataLimitExceeded,
      `The ${what}${where} has exceeded the limit of ${PAYLOAD_LIMIT_BYTES} bytes (it has ${bytes} bytes).`,
    );
  }
}
