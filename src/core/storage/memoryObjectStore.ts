import type { ByteRange, ObjectInfo, ObjectStore, WriteCondition } from '../ports.js';
import { ObjectNotFoundError, PreconditionFailedError } from '../storageErrors.js';
import { createHash } from 'node:crypto';

interface Stored {
  body: Uint8Array;
  etag: string;
  lastModified: Date;
}

/** An in-process `ObjectStore` for tests: buckets are maps, ETags are MD5s as S3 gives them. */
export class MemoryObjectStore implements ObjectStore {
  readonly buckets = new Map<string, Map<string, Stored>>();

  private bucket(name: string): Map<string, Stored> {
    let b = this.buckets.get(name);
    if (!b) this.buckets.set(name, (b = new Map()));
    return b;
  }

  private stored(bucket: string, key: string): Stored {
    const s = this.bucket(bucket).get(key);
    if (!s) throw new ObjectNotFoundError(`s3://${bucket}/${key} does not exist`, { bucket, key });
    return s;
  }

  async get(bucket: string, key: string, range?: ByteRange): Promise<AsyncIterable<Uint8Array>> {
    const { body } = this.stored(bucket, key);
    const bytes = range ? body.subarray(range.start, range.end) : body;
    return (async function* () {
      // Small pieces, so readers meet records split across reads as they do with S3 streams.
      for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
    })();
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const s = this.bucket(bucket).get(key);
    return s && { key, size: s.body.length, etag: s.etag, lastModified: s.lastModified };
  }

  async put(
    bucket: string,
    key: string,
    body: Uint8Array,
    _contentType?: string,
    condition?: WriteCondition,
  ): Promise<void> {
    if (condition) {
      const current = this.bucket(bucket).get(key);
      const holds =
        'ifNoneMatch' in condition
          ? current === undefined
          : current !== undefined && sameEtag(current.etag, condition.ifMatch);
      if (!holds)
        throw new PreconditionFailedError(`s3://${bucket}/${key}: precondition failed`, {
          bucket,
          key,
        });
    }
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    this.bucket(bucket).set(key, { body: new Uint8Array(body), etag, lastModified: new Date() });
  }

  async copy(
    from: { bucket: string; key: string; ifMatch?: string },
    to: { bucket: string; key: string },
  ): Promise<void> {
    const source = this.stored(from.bucket, from.key);
    if (from.ifMatch !== undefined && !sameEtag(source.etag, from.ifMatch))
      throw new PreconditionFailedError(
        `s3://${from.bucket}/${from.key} is no longer the version with ETag ${from.ifMatch}`,
        { bucket: from.bucket, key: from.key },
      );
    await this.put(to.bucket, to.key, source.body);
  }

  async list(bucket: string, prefix: string): Promise<ObjectInfo[]> {
    return [...this.bucket(bucket).entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, s]) => ({
        key,
        size: s.body.length,
        etag: s.etag,
        lastModified: s.lastModified,
      }));
  }

  async delete(bucket: string, keys: string[]): Promise<void> {
    for (const key of keys) this.bucket(bucket).delete(key);
  }

  /** Test helper: an object's bytes, or undefined. */
  bytes(bucket: string, key: string): Uint8Array | undefined {
    return this.bucket(bucket).get(key)?.body;
  }
}

/** ETags compare without their quotes, as S3 compares them. */
function sameEtag(a: string, b: string): boolean {
  return a.replace(/"/g, '') === b.replace(/"/g, '');
}
