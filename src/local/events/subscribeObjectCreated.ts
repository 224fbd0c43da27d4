/**
 * The twin's stand-in for "S3 → EventBridge → rule → target": every object written to the watched
 * bucket (optionally under a key prefix) reaches the handler as the EventBridge event AWS would give.
 */
import type { S3Endpoint } from '../s3/startS3Endpoint.js';
import {
  toObjectCreatedEvent,
  type EventEnvironment,
  type S3ObjectCreatedEvent,
} from './objectCreatedEvent.js';

/** Which writes a subscription receives (as an EventBridge rule's event pattern would select). */
export interface ObjectCreatedRule extends EventEnvironment {
  bucket: string;
  /** Only keys starting with this. */
  prefix?: string;
  /** Ignore keys ending with these (e.g. `.error.json`, or folder markers `/`). */
  ignoreSuffixes?: string[];
}

/** Deliver matching object-created events to `handler`; returns the unsubscribe function. */
export function subscribeObjectCreated(
  endpoint: Pick<S3Endpoint, 'onObjectCreated'>,
  rule: ObjectCreatedRule,
  handler: (event: S3ObjectCreatedEvent) => void | Promise<void>,
): () => void {
  const ignore = rule.ignoreSuffixes ?? ['/'];
  return endpoint.onObjectCreated((notification) => {
    if (notification.bucket !== rule.bucket) return;
    if (rule.prefix && !notification.key.startsWith(rule.prefix)) return;
    if (ignore.some((suffix) => notification.key.endsWith(suffix))) return;
    return handler(toObjectCreatedEvent(notification, rule));
  });
}
