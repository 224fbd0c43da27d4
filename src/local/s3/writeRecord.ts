/** What the endpoint records of each write, and the hook that makes a write visible. */
import type { ObjectCreatedReason } from './objectCreated.js';

/**
 * Stored with the object, so that the event its write gave can be built again from the stored
 * object alone (a restart's reconcile gives the same event).
 */
export interface WriteRecord {
  /** The S3 event sequencer: fixed-width hex, growing with every write. */
  sequencer: string;
  /** ISO-8601 time of the write. */
  time: string;
  requestId: string;
  reason: ObjectCreatedReason;
  sourceIp: string;
}

/** An object named by bucket and key. */
export interface ObjectRef {
  bucket: string;
  key: string;
}

/**
 * Runs the step that makes a write visible (`commit`) with the locks of `target` (and `source`)
 * held, once the request's conditions hold; throws S3's error, and commits nothing, when not.
 */
export type WriteGuard = <T>(
  target: ObjectRef,
  source: ObjectRef | undefined,
  commit: (write: WriteRecord) => Promise<T>,
) => Promise<T>;
