/**
 * Execution names fixed by the object version an event names, so that starting the same upload
 * twice (a live event and a reconcile, or two reconciles) is one execution: Step Functions refuses
 * a second execution of one name (`ExecutionAlreadyExists`).
 */
import { createHash } from 'node:crypto';
import type { S3ObjectCreatedEvent } from './objectCreatedEvent.js';

/** Step Functions' rule for execution names. */
export const EXECUTION_NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

const HASH_HEX = 16;
const MAX_LABEL = 80 - HASH_HEX - 1;

/**
 * `<file name, sanitised and truncated>-<16 hex of sha256(bucket, key, etag, sequencer)>`. The
 * sequencer is part of it: re-uploading identical bytes is a new version (A, B, A must end with A).
 * @example executionNameFor(event) // 'users_2021_csv-3f9a0c1d2e4b5a6f'
 */
export function executionNameFor(event: S3ObjectCreatedEvent): string {
  const { bucket, object } = event.detail;
  const hash = createHash('sha256')
    .update([bucket.name, object.key, object.etag.replace(/"/g, ''), object.sequencer].join('\0'))
    .digest('hex')
    .slice(0, HASH_HEX);
  const fileName = object.key.split('/').filter(Boolean).pop() ?? '';
  const label =
    fileName
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, MAX_LABEL)
      .replace(/_+$/, '') || 'object';
  return `${label}-${hash}`;
}
