/**
 * The EventBridge "Object Created" event S3 sends for an object write, built from the twin's
 * endpoint notifications, so the state machine gets the same input locally as in AWS.
 */
import { createHash } from 'node:crypto';
import type { ObjectCreatedNotification } from '../s3/objectCreated.js';

/** The EventBridge event AWS sends for an S3 object write (source `aws.s3`, `Object Created`). */
export interface S3ObjectCreatedEvent {
  version: '0';
  id: string;
  'detail-type': 'Object Created';
  source: 'aws.s3';
  account: string;
  /** ISO-8601 to the second, e.g. `2021-11-12T00:00:00Z`. */
  time: string;
  region: string;
  resources: string[];
  detail: {
    version: '0';
    bucket: { name: string };
    object: {
      /** The key as stored: EventBridge does not URL-encode it (S3's own notifications do). */
      key: string;
      size: number;
      etag: string;
      'version-id'?: string;
      sequencer: string;
    };
    'request-id': string;
    requester: string;
    'source-ip-address': string;
    reason: string;
  };
}

/** Account and region the twin pretends to be in. */
export interface EventEnvironment {
  /** @default '000000000000' */
  account?: string;
  /** @default 'us-east-1' */
  region?: string;
  /**
   * `'url'` encodes the key the way S3 *notifications* (SQS/SNS/Lambda) do ("a b.csv" →
   * "a+b.csv"); EventBridge events carry it as stored, so the default is `'none'`.
   */
  keyEncoding?: 'none' | 'url';
}

/** The EventBridge event for one object write. */
export function toObjectCreatedEvent(
  notification: ObjectCreatedNotification,
  env: EventEnvironment = {},
): S3ObjectCreatedEvent {
  const account = env.account ?? '000000000000';
  const key =
    env.keyEncoding === 'url' ? encodeNotificationKey(notification.key) : notification.key;
  return {
    version: '0',
    id: eventIdOf(notification),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account,
    time: new Date(notification.time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: env.region ?? 'us-east-1',
    resources: [`arn:aws:s3:::${notification.bucket}`],
    detail: {
      version: '0',
      bucket: { name: notification.bucket },
      object: {
        key,
        size: notification.size,
        etag: notification.etag,
        sequencer: notification.sequencer,
      },
      'request-id': notification.requestId,
      requester: account,
      'source-ip-address': notification.sourceIp,
      reason: notification.reason,
    },
  };
}

/** S3 notification key encoding: form-style percent-encoding that keeps `/`, spaces as `+`. */
export function encodeNotificationKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

/**
 * A UUID-shaped id fixed by the write (bucket, key, ETag, sequencer): the event rebuilt by a
 * reconcile is the very event the live delivery gave.
 */
function eventIdOf(n: ObjectCreatedNotification): string {
  const h = createHash('sha256')
    .update([n.bucket, n.key, n.etag, n.sequencer].join('\0'))
    .digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
