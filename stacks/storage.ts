/**
 * Storage: the ingest, raw (versioned), curated and quarantine buckets and the Athena results
 * bucket. All private (SST's public access block), TLS only (SST's `enforceHttps` bucket policy),
 * SSE-S3 encrypted with bucket keys, no CORS. S3 tells EventBridge about every ingest object.
 */
import { lifecycleRules } from './documents/storage.js';
import type { BucketRole } from './documents/storage.js';

/** The buckets of a stage. */
export interface Storage {
  ingest: sst.aws.Bucket;
  raw: sst.aws.Bucket;
  curated: sst.aws.Bucket;
  quarantine: sst.aws.Bucket;
  athenaResults: sst.aws.Bucket;
}

/** Create the stage's buckets and the ingest bucket's EventBridge notification. */
export function createStorage(): Storage {
  const storage: Storage = {
    ingest: privateBucket('Ingest', 'ingest'),
    raw: privateBucket('Raw', 'raw', { versioning: true }),
    curated: privateBucket('Curated', 'curated'),
    quarantine: privateBucket('Quarantine', 'quarantine'),
    athenaResults: privateBucket('AthenaResults', 'athenaResults'),
  };
  // One notification resource per bucket; EventBridge gets every event and the rule filters.
  new aws.s3.BucketNotification('IngestNotifiesEventBridge', {
    bucket: storage.ingest.name,
    eventbridge: true,
  });
  return storage;
}

function privateBucket(
  name: string,
  role: BucketRole,
  extra: { versioning?: boolean } = {},
): sst.aws.Bucket {
  const bucket = new sst.aws.Bucket(name, {
    enforceHttps: true,
    cors: false,
    versioning: extra.versioning ?? false,
    lifecycle: lifecycleRules(role),
  });
  new aws.s3.BucketServerSideEncryptionConfiguration(`${name}Encryption`, {
    bucket: bucket.name,
    rules: [
      { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true },
    ],
  });
  return bucket;
}
