/** EventBridge-shaped object-created events for the twin. */
export { toObjectCreatedEvent, encodeNotificationKey } from './objectCreatedEvent.js';
export type { S3ObjectCreatedEvent, EventEnvironment } from './objectCreatedEvent.js';
export { subscribeObjectCreated } from './subscribeObjectCreated.js';
export type { ObjectCreatedRule } from './subscribeObjectCreated.js';
export { ruleMatches } from './subscribeObjectCreated.js';
export { executionNameFor, EXECUTION_NAME_PATTERN } from './executionName.js';
export { storedObjectEvents } from './reconcile.js';
export type { StoredObjectEvent } from './reconcile.js';
