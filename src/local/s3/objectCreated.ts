/** The notification the twin's S3 endpoint gives for every object it stores. */

/** Which S3 operation created the object (the values EventBridge puts in `detail.reason`). */
export type ObjectCreatedReason =
  'PutObject' | 'POST Object' | 'CopyObject' | 'CompleteMultipartUpload';

/** One object written through the endpoint: enough to build the event AWS would send. */
export interface ObjectCreatedNotification {
  bucket: string;
  /** The object key as stored (not URL-encoded). */
  key: string;
  size: number;
  /** Hex MD5 without quotes; `<md5 of part md5s>-<N>` for multipart objects, as S3. */
  etag: string;
  reason: ObjectCreatedReason;
  /** Fixed-width uppercase hex: a later write of a key compares greater as a string. */
  sequencer: string;
  /** Also sent to the client as the `x-amz-request-id` response header. */
  requestId: string;
  sourceIp: string;
  /** ISO-8601 time the write was committed (stored with the object). */
  time: string;
}

/**
 * Receives object-created notifications. The writer's response waits for it; a rejected promise
 * is logged and answers the writer with 500 InternalError.
 */
export type ObjectCreatedListener = (
  notification: ObjectCreatedNotification,
) => void | Promise<void>;
