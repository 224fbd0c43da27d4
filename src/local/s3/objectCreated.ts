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
  /** Hex MD5 without quotes (s3rver computes it for multipart objects too, without the `-N`). */
  etag: string;
  reason: ObjectCreatedReason;
  /** Monotonic, fixed-width uppercase hex: later writes compare greater as strings. */
  sequencer: string;
  /** Also sent to the client as the `x-amz-request-id` response header. */
  requestId: string;
  sourceIp: string;
  /** ISO-8601 time the write completed. */
  time: string;
}

/** Receives object-created notifications; a rejected promise is logged, never thrown at the client. */
export type ObjectCreatedListener = (
  notification: ObjectCreatedNotification,
) => void | Promise<void>;
