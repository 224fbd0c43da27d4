/**
 * The sweep that closes the gap between "stored" and "delivered": every object now in the watched
 * bucket is delivered again as the event its write gave. Handlers are idempotent by execution
 * name, so objects that already have their execution cost one lookup each.
 */
import type { S3Endpoint } from '../s3/startS3Endpoint.js';
import { toObjectCreatedEvent, type S3ObjectCreatedEvent } from './objectCreatedEvent.js';
import { ruleMatches, type ObjectCreatedRule } from './subscribeObjectCreated.js';

/** A stored object's event; `recorded` false: built from LastModified (an older state folder). */
export interface StoredObjectEvent {
  event: S3ObjectCreatedEvent;
  recorded: boolean;
}

/** The events of every object of `rule.bucket` the rule selects, oldest write first. */
export async function storedObjectEvents(
  endpoint: Pick<S3Endpoint, 'storedObjects'>,
  rule: ObjectCreatedRule,
): Promise<StoredObjectEvent[]> {
  const stored = await endpoint.storedObjects(rule.bucket);
  return stored
    .filter((n) => ruleMatches(rule, n))
    .sort((a, b) => (a.sequencer < b.sequencer ? -1 : a.sequencer > b.sequencer ? 1 : 0))
    .map(({ recorded, ...n }) => ({ event: toObjectCreatedEvent(n, rule), recorded }));
}
