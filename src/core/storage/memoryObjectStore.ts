import type { ByteRange, ObjectInfo, ObjectStore } from '../ports.js';
import { ObjectNotFoundError } from '../storageErrors.js';
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

  async put(bucket: string, key: string, body: Uint8Array): Promise<void> {
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    this.bucket(bucket).set(key, { body: new Uint8Array(body), etag, lastModified: new Date() });
  }

  async copy(
    from: { bucket: string; key: string },
    to: { bucket: string; key: string },
  ): Promise<void> {
    await this.put(to.bucket, to.key, this.stored(from.bucket, from.key).body);
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
