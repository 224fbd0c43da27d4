/**
 * S3 through AWS SDK v3, behind the `ObjectStore` port. The endpoint is configuration: unset in
 * AWS, the twin's loopback endpoint locally, so handlers run the same code in both.
 */
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { TerminalError } from '../core/errors.js';
import type { ByteRange, ObjectInfo, ObjectStore, WriteCondition } from '../core/ports.js';
import {
  ObjectNotFoundError,
  PreconditionFailedError,
  StorageUnavailableError,
} from '../core/storageErrors.js';
import { copySourceOf, multipartCopy, MULTIPART_COPY_DEFAULTS, quoted } from './s3MultipartCopy.js';
import type { MultipartCopyOptions } from './s3MultipartCopy.js';

/**
 * A bucket the deployment names does not exist (S3's `NoSuchBucket`): the stage is misconfigured
 * (a wrong environment variable, a bucket removed by hand). Not a missing object: no step may
 * read it as "nothing there" and carry on.
 */
export class BucketNotFoundError extends TerminalError {
  override name = 'BucketNotFoundError';
}

/** Options for `createS3Client`. */
export interface S3ClientOptions {
  /** e.g. `http://127.0.0.1:4568` for the twin; unset for AWS. */
  endpoint?: string;
  region?: string;
}

/**
 * An S3 client for AWS or the twin. Against a custom endpoint it uses path-style addressing,
 * fixed dummy credentials, and checksums only when required (the SDK's default aws-chunked
 * uploads with trailing checksums are not understood by every local endpoint).
 */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  if (!options.endpoint) return new S3Client({ region });
  return new S3Client({
    region,
    endpoint: options.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

const TRANSIENT_CODES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ThrottlingException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

/** Map an SDK failure to our error families: missing objects, transient trouble, or rethrow. */
export function toStorageError(err: unknown, bucket: string, key: string): unknown {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (e.name === 'NoSuchBucket' || e.code === 'NoSuchBucket') {
    const missing = (err as { BucketName?: string }).BucketName ?? bucket;
    return new BucketNotFoundError(
      `bucket ${missing} does not exist (at s3://${bucket}/${key}): check the stage's bucket names`,
      { bucket: missing, key },
      { cause: err },
    );
  }
  if (e.name === 'PreconditionFailed' || status === 412) {
    return new PreconditionFailedError(
      `s3://${bucket}/${key}: precondition failed`,
      { bucket, key },
      { cause: err },
    );
  }
  // 409 ConditionalRequestConflict: a concurrent conditional write won; the caller re-reads.
  if (e.name === 'ConditionalRequestConflict' || status === 409) {
    return new PreconditionFailedError(
      `s3://${bucket}/${key}: a concurrent conditional write won`,
      { bucket, key },
      { cause: err },
    );
  }
  if (e.name === 'NoSuchKey' || e.name === 'NotFound' || status === 404) {
    return new ObjectNotFoundError(
      `s3://${bucket}/${key} does not exist`,
      { bucket, key },
      { cause: err },
    );
  }
  if (
    TRANSIENT_CODES.has(e.name ?? '') ||
    TRANSIENT_CODES.has(e.code ?? '') ||
    (status ?? 0) >= 500
  ) {
    const what = err instanceof Error ? err.message : String(err);
    return new StorageUnavailableError(
      `S3 is unavailable for s3://${bucket}/${key}: ${what}`,
      { bucket, key },
      { cause: err },
    );
  }
  return err;
}

/** Options of `S3ObjectStore`. */
export type S3ObjectStoreOptions = Partial<MultipartCopyOptions>;

/** `ObjectStore` over an S3 client. */
export class S3ObjectStore implements ObjectStore {
  private readonly copyOptions: MultipartCopyOptions;

  constructor(
    readonly client: S3Client,
    options: S3ObjectStoreOptions = {},
  ) {
    this.copyOptions = { ...MULTIPART_COPY_DEFAULTS, ...options };
  }

  private async call<T>(bucket: string, key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStorageError(err, bucket, key);
    }
  }

  async get(bucket: string, key: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array>> {
    if (range && range.end <= range.start) return (async function* () {})();
    const res = await this.call(bucket, key, () =>
      this.client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.start}-${range.end - 1}` } : {}),
        }),
      ),
    );
    return res.Body as AsyncIterable<Uint8Array>;
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const res = await this.headObject(bucket, key);
    return (
      res && {
        key,
        size: res.ContentLength ?? 0,
        ...(res.ETag ? { etag: res.ETag } : {}),
        ...(res.VersionId ? { versionId: res.VersionId } : {}),
        ...(res.LastModified ? { lastModified: res.LastModified } : {}),
      }
    );
  }

  /**
   * HeadObject, undefined for a missing object. A HEAD answer has no body, so S3 says `NotFound`
   * for a missing key and a missing bucket alike: on a miss, HeadBucket tells them apart.
   */
  private async headObject(
    bucket: string,
    key: string,
    pin: { versionId?: string; ifMatch?: string } = {},
    checksum = false,
  ): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return await this.client.send(
        new HeadObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(pin.versionId ? { VersionId: pin.versionId } : {}),
          ...(pin.ifMatch ? { IfMatch: quoted(pin.ifMatch) } : {}),
          ...(checksum ? { ChecksumMode: 'ENABLED' as const } : {}),
        }),
      );
    } catch (err) {
      const mapped = toStorageError(err, bucket, key);
      if (!(mapped instanceof ObjectNotFoundError)) throw mapped;
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (bucketErr) {
        const status = (bucketErr as { $metadata?: { httpStatusCode?: number } }).$metadata
          ?.httpStatusCode;
        const name = (bucketErr as { name?: string }).name;
        if (status === 404 || name === 'NotFound' || name === 'NoSuchBucket')
          throw toStorageError(
            Object.assign(bucketErr as object, { name: 'NoSuchBucket' }),
            bucket,
            key,
          );
        throw toStorageError(bucketErr, bucket, key);
      }
      return undefined;
    }
  }

  async put(
    bucket: string,
    key: string,
    body: Uint8Array,
    contentType?: string,
    condition?: WriteCondition,
  ): Promise<void> {
    await this.call(bucket, key, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ...(contentType ? { ContentType: contentType } : {}),
          ...(condition && 'ifMatch' in condition ? { IfMatch: quoted(condition.ifMatch) } : {}),
          ...(condition && 'ifNoneMatch' in condition ? { IfNoneMatch: '*' } : {}),
        }),
      ),
    );
  }

  /**
   * Server-side copy. CopyObject refuses sources above 5 GiB, so a HeadObject of the pinned source
   * (its version, or its ETag) comes first, and larger objects go part by part
   * (`multipartCopy`: UploadPartCopy with the same pin on every part). A `size` known to be under
   * the threshold skips the HeadObject: one request per copy instead of two.
   */
  async copy(
    from: { bucket: string; key: string; versionId?: string; ifMatch?: string; size?: number },
    to: { bucket: string; key: string },
  ): Promise<void> {
    if (from.size === undefined || from.size > this.copyOptions.thresholdBytes) {
      const head = await this.headObject(from.bucket, from.key, from, true);
      if (!head)
        throw new ObjectNotFoundError(`s3://${from.bucket}/${from.key} does not exist`, {
          bucket: from.bucket,
          key: from.key,
        });
      if ((head.ContentLength ?? 0) > this.copyOptions.thresholdBytes) {
        await this.call(from.bucket, from.key, () =>
          multipartCopy(this.client, from, to, head, this.copyOptions),
        );
        return;
      }
    }
    const source = copySourceOf(from);
    await this.call(from.bucket, from.key, () =>
      this.client.send(
        new CopyObjectCommand({
          Bucket: to.bucket,
          Key: to.key,
          CopySource: source,
          ...(from.ifMatch ? { CopySourceIfMatch: quoted(from.ifMatch) } : {}),
        }),
      ),
    );
  }

  async list(bucket: string, prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const res = await this.call(bucket, prefix, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        ),
      );
      for (const o of res.Contents ?? []) {
        if (!o.Key) continue;
        out.push({
          key: o.Key,
          size: o.Size ?? 0,
          ...(o.ETag ? { etag: o.ETag } : {}),
          ...(o.LastModified ? { lastModified: o.LastModified } : {}),
        });
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async delete(bucket: string, keys: string[]): Promise<void> {
    // DeleteObjects takes at most 1,000 keys per request.
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const res = await this.call(bucket, batch[0] ?? '', () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      );
      const failed = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) {
        const first = failed[0]!;
        throw new StorageUnavailableError(
          `could not delete ${failed.length} object(s) from ${bucket}: ${first.Key}: ${first.Code} ${first.Message}`,
          {
            bucket,
            key: first.Key,
          },
        );
      }
    }
  }
}
