/** EventBridge-shaped object-created events for the twin. */
export { toObjectCreatedEvent, encodeNotificationKey } from './objectCreatedEvent.js';
export type { S3ObjectCreatedEvent, EventEnvironment } from './objectCreatedEvent.js';
export { subscribeObjectCreated } from './subscribeObjectCreated.js';
export type { ObjectCreatedRule } from './subscribeObjectCreated.js';
