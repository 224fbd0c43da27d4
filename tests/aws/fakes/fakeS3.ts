/**
 * An in-memory S3 behind aws-sdk-client-mock, strict where the pipeline depends on S3's rules:
 * NoSuchBucket vs NoSuchKey (and a bodiless 404 for HEAD), conditional writes and copies (412),
 * CopyObject's source size limit and the minimum part size of a multipart upload (both lowered by
 * the test so megabytes stand for gigabytes), byte ranges, optional versioning, and a full-object
 * checksum that CompleteMultipartUpload verifies. Every client it hands out records the commands
 * it sends, by principal, for the IAM coverage test.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

/** One command a client sent. */
export interface SentCommand {
  principal: string;
  command: string;
  input: Record<string, unknown>;
}

interface StoredObject {
  body: Buffer;
  etag: string;
  versionId?: string;
  contentType?: string;
  checksum: string;
  lastModified: Date;
}

/** Limits the fake enforces (S3's, or lowered for a test). */
export interface FakeS3Limits {
  maxCopyObjectBytes: number;
  minPartBytes: number;
}

function s3Error(name: string, status: number, message = name, extra: object = {}): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    ...extra,
  });
}

const md5 = (b: Buffer) => `"${createHash('md5').update(b).digest('hex')}"`;
/** Stands in for CRC64NVME: any digest of the whole object shows whether the bytes match. */
const fullChecksum = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const unquote = (s: string) => s.replace(/"/g, '');

/** The fake S3. */
export class FakeS3 {
  readonly sent: SentCommand[] = [];
  private readonly buckets = new Map<
    string,
    { versioned: boolean; keys: Map<string, StoredObject[]> }
  >();
  private readonly uploads = new Map<
    string,
    {
      bucket: string;
      key: string;
      contentType?: string;
      checksum: boolean;
      parts: Map<number, Buffer>;
    }
  >();
  private seq = 0;
  /** Called before each command; throw to inject a fault. */
  fault: (command: string, input: Record<string, unknown>) => void = () => {};

  constructor(
    readonly limits: FakeS3Limits = {
      maxCopyObjectBytes: 5 * 1024 ** 3,
      minPartBytes: 5 * 1024 ** 2,
    },
  ) {}

  createBucket(name: string, opts: { versioned?: boolean } = {}): void {
    this.buckets.set(name, { versioned: opts.versioned ?? false, keys: new Map() });
  }

  /** Store an object directly (an upload by a user), returning its ETag and version. */
  putDirect(bucket: string, key: string, body: Uint8Array): { etag: string; versionId?: string } {
    const o = this.store(bucket, key, Buffer.from(body));
    return { etag: o.etag, ...(o.versionId ? { versionId: o.versionId } : {}) };
  }

  /** The current bytes of an object, or undefined. */
  bytes(bucket: string, key: string): Buffer | undefined {
    return this.current(bucket, key)?.body;
  }

  /** Keys of a bucket under a prefix, sorted. */
  keys(bucket: string, prefix = ''): string[] {
    return [...this.bucket(bucket).keys.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  /** Multipart uploads neither completed nor aborted. */
  openUploads(): number {
    return this.uploads.size;
  }

  /** A client whose commands are recorded under `principal`. */
  client(principal: string): S3Client {
    const client = new S3Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const mock = mockClient(client);
    const on = <I extends object, O>(
      command: new (input: I) => unknown,
      name: string,
      fn: (input: I) => O | Promise<O>,
    ) => {
      mock.on(command as never).callsFake(async (input: I) => {
        this.sent.push({ principal, command: name, input: input as Record<string, unknown> });
        this.fault(name, input as Record<string, unknown>);
        return fn(input);
      });
    };
    on(GetObjectCommand, 'GetObject', (i) => this.getObject(i));
    on(HeadObjectCommand, 'HeadObject', (i) => this.headObject(i));
    on(HeadBucketCommand, 'HeadBucket', (i) => (this.bucket(i.Bucket!), {}));
    on(PutObjectCommand, 'PutObject', (i) => this.putObject(i));
    on(CopyObjectCommand, 'CopyObject', (i) => this.copyObject(i));
    on(ListObjectsV2Command, 'ListObjectsV2', (i) => this.list(i));
    on(DeleteObjectsCommand, 'DeleteObjects', (i) => {
      const b = this.bucket(i.Bucket!);
      for (const o of i.Delete?.Objects ?? []) b.keys.delete(o.Key!);
      return { Errors: [] };
    });
    on(CreateMultipartUploadCommand, 'CreateMultipartUpload', (i) => {
      this.bucket(i.Bucket!);
      const id = `upload-${++this.seq}`;
      this.uploads.set(id, {
        bucket: i.Bucket!,
        key: i.Key!,
        ...(i.ContentType ? { contentType: i.ContentType } : {}),
        checksum: i.ChecksumType === 'FULL_OBJECT',
        parts: new Map(),
      });
      return { UploadId: id, Bucket: i.Bucket, Key: i.Key };
    });
    on(UploadPartCopyCommand, 'UploadPartCopy', (i) => {
      const up = this.upload(i.UploadId!);
      const src = this.copySource(i.CopySource!, i.CopySourceIfMatch);
      const m = /^bytes=(\d+)-(\d+)$/.exec(i.CopySourceRange ?? '');
      const part = m ? src.body.subarray(Number(m[1]), Number(m[2]) + 1) : src.body;
      up.parts.set(i.PartNumber!, Buffer.from(part));
      return { CopyPartResult: { ETag: md5(Buffer.from(part)) } };
    });
    on(CompleteMultipartUploadCommand, 'CompleteMultipartUpload', (i) => {
      const up = this.upload(i.UploadId!);
      const numbers = (i.MultipartUpload?.Parts ?? []).map((p) => p.PartNumber!);
      const parts = numbers.map((n) => {
        const p = up.parts.get(n);
        if (!p) throw s3Error('InvalidPart', 400);
        return p;
      });
      parts.slice(0, -1).forEach((p) => {
        if (p.length < this.limits.minPartBytes) throw s3Error('EntityTooSmall', 400);
      });
      const body = Buffer.concat(parts);
      if (i.ChecksumCRC64NVME && i.ChecksumCRC64NVME !== fullChecksum(body))
        throw s3Error('BadDigest', 400);
      this.uploads.delete(i.UploadId!);
      const o = this.store(up.bucket, up.key, body, up.contentType);
      return { ETag: o.etag };
    });
    on(AbortMultipartUploadCommand, 'AbortMultipartUpload', (i) => {
      if (!this.uploads.delete(i.UploadId!)) throw s3Error('NoSuchUpload', 404);
      return {};
    });
    return client;
  }

  private bucket(name: string) {
    const b = this.buckets.get(name);
    if (!b)
      throw s3Error('NoSuchBucket', 404, 'The specified bucket does not exist', {
        BucketName: name,
      });
    return b;
  }

  private upload(id: string) {
    const up = this.uploads.get(id);
    if (!up) throw s3Error('NoSuchUpload', 404);
    return up;
  }

  private current(bucket: string, key: string, versionId?: string): StoredObject | undefined {
    const versions = this.bucket(bucket).keys.get(key);
    if (!versions) return undefined;
    return versionId ? versions.find((v) => v.versionId === versionId) : versions.at(-1);
  }

  private found(bucket: string, key: string, versionId?: string, head = false): StoredObject {
    const o = this.current(bucket, key, versionId);
    // A HEAD answer has no body: S3's SDK then sees only "NotFound", for a key and a bucket alike.
    if (!o) throw head ? s3Error('NotFound', 404) : s3Error('NoSuchKey', 404);
    return o;
  }

  private store(bucket: string, key: string, body: Buffer, contentType?: string): StoredObject {
    const b = this.bucket(bucket);
    const o: StoredObject = {
      body,
      etag: md5(body),
      ...(b.versioned ? { versionId: `v${++this.seq}` } : {}),
      ...(contentType ? { contentType } : {}),
      checksum: fullChecksum(body),
      lastModified: new Date(),
    };
    b.keys.set(key, b.versioned ? [...(b.keys.get(key) ?? []), o] : [o]);
    return o;
  }

  private getObject(i: { Bucket?: string; Key?: string; Range?: string; VersionId?: string }) {
    const o = this.found(i.Bucket!, i.Key!, i.VersionId);
    const m = /^bytes=(\d+)-(\d*)$/.exec(i.Range ?? '');
    const body = m ? o.body.subarray(Number(m[1]), m[2] ? Number(m[2]) + 1 : undefined) : o.body;
    return { Body: Readable.from([Buffer.from(body)]), ContentLength: body.length, ETag: o.etag };
  }

  private headObject(i: {
    Bucket?: string;
    Key?: string;
    VersionId?: string;
    IfMatch?: string;
    ChecksumMode?: string;
  }) {
    const o = this.found(i.Bucket!, i.Key!, i.VersionId, true);
    if (i.IfMatch && unquote(i.IfMatch) !== unquote(o.etag))
      throw s3Error('PreconditionFailed', 412);
    return {
      ContentLength: o.body.length,
      ETag: o.etag,
      LastModified: o.lastModified,
      ...(o.versionId ? { VersionId: o.versionId } : {}),
      ...(o.contentType ? { ContentType: o.contentType } : {}),
      ...(i.ChecksumMode === 'ENABLED'
        ? { ChecksumCRC64NVME: o.checksum, ChecksumType: 'FULL_OBJECT' as const }
        : {}),
    };
  }

  private putObject(i: {
    Bucket?: string;
    Key?: string;
    Body?: unknown;
    ContentType?: string;
    IfMatch?: string;
    IfNoneMatch?: string;
  }) {
    const existing = this.current(i.Bucket!, i.Key!);
    if (i.IfNoneMatch === '*' && existing) throw s3Error('PreconditionFailed', 412);
    if (i.IfMatch && (!existing || unquote(i.IfMatch) !== unquote(existing.etag)))
      throw existing ? s3Error('PreconditionFailed', 412) : s3Error('NoSuchKey', 404);
    const o = this.store(i.Bucket!, i.Key!, Buffer.from(i.Body as Uint8Array), i.ContentType);
    return { ETag: o.etag, ...(o.versionId ? { VersionId: o.versionId } : {}) };
  }

  /** Parse `bucket/key[?versionId=…]` as S3 does (URL-decoded) and apply the source condition. */
  private copySource(header: string, ifMatch?: string): StoredObject {
    const [path, query] = header.split('?');
    const slash = path!.indexOf('/');
    const bucket = decodeURIComponent(path!.slice(0, slash));
    const key = decodeURIComponent(path!.slice(slash + 1));
    const versionId = query?.startsWith('versionId=')
      ? decodeURIComponent(query.slice(10))
      : undefined;
    const o = this.found(bucket, key, versionId);
    if (ifMatch && unquote(ifMatch) !== unquote(o.etag)) throw s3Error('PreconditionFailed', 412);
    return o;
  }

  private copyObject(i: {
    Bucket?: string;
    Key?: string;
    CopySource?: string;
    CopySourceIfMatch?: string;
  }) {
    this.bucket(i.Bucket!);
    const src = this.copySource(i.CopySource!, i.CopySourceIfMatch);
    if (src.body.length > this.limits.maxCopyObjectBytes)
      throw s3Error(
        'InvalidRequest',
        400,
        `The specified copy source is larger than the maximum allowable size for a copy source: ${this.limits.maxCopyObjectBytes}`,
      );
    const o = this.store(i.Bucket!, i.Key!, src.body, src.contentType);
    return { CopyObjectResult: { ETag: o.etag } };
  }

  private list(i: {
    Bucket?: string;
    Prefix?: string;
    ContinuationToken?: string;
    MaxKeys?: number;
  }) {
    const all = this.keys(i.Bucket!, i.Prefix ?? '');
    const start = i.ContinuationToken ? Number(i.ContinuationToken) : 0;
    const max = i.MaxKeys ?? 1000;
    const page = all.slice(start, start + max);
    const truncated = start + max < all.length;
    return {
      Contents: page.map((Key) => {
        const o = this.current(i.Bucket!, Key)!;
        return { Key, Size: o.body.length, ETag: o.etag, LastModified: o.lastModified };
      }),
      IsTruncated: truncated,
      ...(truncated ? { NextContinuationToken: String(start + max) } : {}),
    };
  }
}
