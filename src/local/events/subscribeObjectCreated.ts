/**
 * The twin's stand-in for "S3 → EventBridge → rule → target": every object written to the watched
 * bucket (optionally under a key prefix) reaches the handler as the EventBridge event AWS would give.
 */
import type { ObjectCreatedNotification } from '../s3/objectCreated.js';
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

/**
 * Deliver matching object-created events to `handler`; returns the unsubscribe function. The
 * writer's response waits for the handler (see `S3Endpoint.onObjectCreated`).
 */
export function subscribeObjectCreated(
  endpoint: Pick<S3Endpoint, 'onObjectCreated'>,
  rule: ObjectCreatedRule,
  handler: (event: S3ObjectCreatedEvent) => void | Promise<void>,
): () => void {
  return endpoint.onObjectCreated((notification) => {
    if (!ruleMatches(rule, notification)) return;
    return handler(toObjectCreatedEvent(notification, rule));
  });
}

/** Whether the rule selects this write. */
export function ruleMatches(
  rule: ObjectCreatedRule,
  notification: ObjectCreatedNotification,
): boolean {
  const ignore = rule.ignoreSuffixes ?? ['/'];
  if (notification.bucket !== rule.bucket) return false;
  if (rule.prefix && !notification.key.startsWith(rule.prefix)) return false;
  return !ignore.some((suffix) => notification.key.endsWith(suffix));
}
