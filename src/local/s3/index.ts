/** The twin's S3-protocol endpoint. */
export { startS3Endpoint, DEFAULT_S3_PORT } from './startS3Endpoint.js';
export type { S3Endpoint, S3EndpointOptions, StoredObject } from './startS3Endpoint.js';
export type {
  ObjectCreatedNotification,
  ObjectCreatedListener,
  ObjectCreatedReason,
} from './objectCreated.js';
export { AwsChunkedDecoder, isAwsChunked } from './AwsChunkedDecoder.js';
export { listObjectFiles, objectFilePath, parseS3Uri, LAYOUT_VERSION } from './s3Layout.js';
export type { LocalObjectFile, ObjectRecord, S3Location } from './s3Layout.js';
export { migrateLayout } from './migrateLayout.js';
