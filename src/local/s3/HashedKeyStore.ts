/**
 * The endpoint's object store, in place of s3rver's FilesystemStore (which made keys into paths:
 * `../` escaped the state folder, and listings lost folders that held only folders). Keys are
 * opaque: files are named by the key's hash (`s3Layout.ts`), and listings come from a sorted
 * in-memory key index loaded at start from each bucket's index log. Every write streams to
 * `tmp/`, moves into `objects/` under a fresh name, then commits by appending its line to the log
 * under the key's lock: readers see the old object or the new, whole. A crash leaves at most
 * unreferenced files, removed at the next start.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import {
  appendFile,
  copyFile,
  link,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { KeyLocks } from './keyLocks.js';
import { compareKeys, SortedKeys } from './keyOrder.js';
import {
  CONFIG_DIR,
  INDEX_FILE,
  OBJECTS_DIR,
  TEMP_DIR,
  UPLOADS_DIR,
  bucketDir,
  dataFilePath,
  indexLine,
  isBucketName,
  keyHash,
  objectDir,
  readIndex,
  type ObjectRecord,
} from './s3Layout.js';
import {
  S3Error,
  S3rverBucketModel,
  S3rverObjectModel,
  getS3rverConfigModel,
  type S3rverConfig,
  type S3rverMetadata,
  type S3rverObject,
} from './s3rverInternals.js';
import type { WriteGuard, WriteRecord } from './writeRecord.js';

/** S3's limit on a key's length, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

interface BucketIndex {
  keys: SortedKeys;
  records: Map<string, ObjectRecord>;
  created: Date;
}

/** Options for listing, as s3rver's controllers pass them. */
export interface ListOptions {
  prefix?: string;
  delimiter?: string;
  startAfter?: string;
  maxKeys?: number;
}

/** A store with s3rver's store interface over hashed key files. */
export class HashedKeyStore {
  private readonly buckets = new Map<string, BucketIndex>();
  private guard: WriteGuard = (_t, _s, commit) =>
    commit({
      sequencer: '0',
      time: new Date().toISOString(),
      requestId: '',
      reason: 'PutObject',
      sourceIp: '',
    });

  constructor(
    readonly rootDirectory: string,
    private readonly locks: KeyLocks,
  ) {}

  /** Set the hook that checks conditions and records each write (the endpoint's). */
  setGuard(guard: WriteGuard): void {
    this.guard = guard;
  }

  /** Load every bucket's key index, and remove what interrupted writes left behind. */
  async open(): Promise<void> {
    await mkdir(this.rootDirectory, { recursive: true });
    for (const entry of await readdir(this.rootDirectory, { withFileTypes: true })) {
      if (entry.isDirectory() && isBucketName(entry.name)) await this.loadBucket(entry.name);
    }
  }

  // --- the records, for the endpoint ---

  /** The record of `bucket/key`, if the object exists. */
  record(bucket: string, key: string): ObjectRecord | undefined {
    return this.buckets.get(bucket)?.records.get(key);
  }

  /** The records of a bucket in key order. */
  records(bucket: string): ObjectRecord[] {
    const index = this.buckets.get(bucket);
    return index ? [...index.keys.all()].map((k) => index.records.get(k)!) : [];
  }

  /** Keys of a bucket in S3 order from `index` (for listings). */
  index(bucket: string): SortedKeys | undefined {
    return this.buckets.get(bucket)?.keys;
  }

  // --- s3rver's store interface ---

  getResourcePath(bucket: string, key: string | undefined, resource: string): string {
    return key === undefined
      ? path.join(bucketDir(this.rootDirectory, bucket), CONFIG_DIR, resource)
      : path.join(objectDir(this.rootDirectory, bucket, key), `${keyHash(key)}.${resource}`);
  }

  async getMetadata(bucket: string, key: string): Promise<S3rverMetadata> {
    const record = this.record(bucket, key);
    if (!record) throw Object.assign(new Error(`no object ${key}`), { code: 'ENOENT' });
    return metadataOf(record);
  }

  reset(): void {
    this.buckets.clear();
  }

  async listBuckets(): Promise<unknown[]> {
    return [...this.buckets.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, b]) => new S3rverBucketModel(name, b.created));
  }

  async getBucket(bucket: string): Promise<unknown> {
    const index = this.buckets.get(bucket);
    return index ? new S3rverBucketModel(bucket, index.created) : null;
  }

  async putBucket(bucket: string): Promise<unknown> {
    if (!isBucketName(bucket))
      throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', {
        BucketName: bucket,
      });
    if (!this.buckets.has(bucket)) {
      const dir = bucketDir(this.rootDirectory, bucket);
      await mkdir(path.join(dir, OBJECTS_DIR), { recursive: true });
      this.buckets.set(bucket, {
        keys: new SortedKeys(),
        records: new Map(),
        created: (await stat(dir)).birthtime,
      });
    }
    return this.getBucket(bucket);
  }

  async deleteBucket(bucket: string): Promise<void> {
    if (!this.buckets.delete(bucket)) return;
    await rm(bucketDir(this.rootDirectory, bucket), { recursive: true, force: true });
  }

  /** s3rver's listing contract (used by DeleteBucket and as a fallback); the endpoint lists itself. */
  async listObjects(
    bucket: string,
    options: ListOptions,
  ): Promise<{ objects: S3rverObject[]; commonPrefixes: string[]; isTruncated: boolean }> {
    const index = this.buckets.get(bucket);
    const prefix = options.prefix ?? '';
    const maxKeys = options.maxKeys ?? Infinity;
    const objects: S3rverObject[] = [];
    const commonPrefixes: string[] = [];
    if (!index) return { objects, commonPrefixes, isTruncated: false };
    let i = index.keys.upperBound(
      options.startAfter && compareKeys(options.startAfter, prefix) > 0 ? options.startAfter : '',
    );
    i = Math.max(i, index.keys.lowerBound(prefix));
    for (; i < index.keys.size; i++) {
      const key = index.keys.at(i)!;
      if (!key.startsWith(prefix)) break;
      if (objects.length + commonPrefixes.length >= maxKeys)
        return { objects, commonPrefixes, isTruncated: true };
      const d = options.delimiter ? key.indexOf(options.delimiter, prefix.length) : -1;
      if (d >= 0) {
        const common = key.slice(0, d + options.delimiter!.length);
        if (commonPrefixes.at(-1) !== common) commonPrefixes.push(common);
        continue;
      }
      objects.push(this.model(bucket, index.records.get(key)!));
    }
    return { objects, commonPrefixes, isTruncated: false };
  }

  async existsObject(bucket: string, key: string): Promise<boolean> {
    return this.record(bucket, key) !== undefined;
  }

  async getObject(
    bucket: string,
    key: string,
    options?: { start?: number; end?: number },
  ): Promise<S3rverObject | null> {
    // An overwrite may remove the old data file between reading the record and opening it.
    for (let attempt = 0; ; attempt++) {
      const record = this.record(bucket, key);
      if (!record) return null;
      const object = this.model(bucket, record);
      const ranged = options && (options.start !== undefined || options.end !== undefined);
      const lastByte = Math.max(0, record.size - 1);
      const range = {
        start: options?.start ?? 0,
        end: Math.min(options?.end ?? lastByte, lastByte),
      };
      if (ranged) object.range = range;
      if (range.start < 0 || range.end < range.start || (ranged && record.size === 0)) {
        if (!ranged) object.content = Readable.from([]);
        return object;
      }
      const file = path.join(objectDir(this.rootDirectory, bucket, key), record.data);
      try {
        object.content = await openRead(file, range);
        return object;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw err;
      }
    }
  }

  async putObject(object: S3rverObject): Promise<{ size: number; md5: string }> {
    checkKey(object.key);
    this.mustHave(object.bucket);
    const content = Buffer.isBuffer(object.content)
      ? Readable.from([object.content])
      : (object.content ?? Readable.from([]));
    // The body is on disk before the condition is checked: the lock is held for renames only.
    const temp = await this.writeTemp(object.bucket, content);
    try {
      await this.guard(object, undefined, (write) =>
        this.commit(object.bucket, object.key, temp.file, {
          size: temp.size,
          etag: temp.md5,
          headers: storedHeaders(object.metadata),
          write,
        }),
      );
    } finally {
      await rm(temp.file, { force: true });
    }
    return { size: temp.size, md5: temp.md5 };
  }

  async copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata: S3rverMetadata | null,
  ): Promise<S3rverMetadata> {
    checkKey(destKey);
    this.mustHave(destBucket);
    return this.guard(
      { bucket: destBucket, key: destKey },
      { bucket: srcBucket, key: srcKey },
      async (write) => {
        const source = this.record(srcBucket, srcKey);
        if (!source)
          throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: srcKey });
        const from = path.join(objectDir(this.rootDirectory, srcBucket, srcKey), source.data);
        const temp = await this.linkTemp(destBucket, from);
        try {
          await this.commit(destBucket, destKey, temp.file, {
            size: source.size,
            etag: source.etag,
            headers: replacementMetadata ? storedHeaders(replacementMetadata) : source.headers,
            write,
          });
        } finally {
          await rm(temp.file, { force: true });
        }
        return metadataOf(this.record(destBucket, destKey)!);
      },
    );
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    await this.locks.run([{ bucket, key }], async () => {
      const index = this.buckets.get(bucket);
      const record = index?.records.get(key);
      if (!index || !record) return;
      const dir = objectDir(this.rootDirectory, bucket, key);
      await this.appendIndex(bucket, indexLine({ k: key, d: 1 }));
      index.records.delete(key);
      index.keys.remove(key);
      await rm(path.join(dir, record.data), { force: true });
      await rm(path.join(dir, `${keyHash(key)}.tagging.xml`), { force: true });
    });
  }

  async initiateUpload(
    bucket: string,
    key: string,
    uploadId: string,
    metadata: S3rverMetadata,
  ): Promise<void> {
    checkKey(key);
    const dir = this.uploadDir(bucket, uploadId);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'key'), key);
    await writeFile(path.join(dir, 'metadata'), JSON.stringify(storedHeaders(metadata)));
  }

  async putPart(
    bucket: string,
    uploadId: string,
    partNumber: string | number,
    content: Readable,
  ): Promise<{ size: number; md5: string }> {
    const dir = this.uploadDir(bucket, uploadId);
    const n = Number(partNumber);
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000.');
    try {
      await stat(path.join(dir, 'key'));
    } catch {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', {
        UploadId: uploadId,
      });
    }
    const temp = await this.writeTemp(bucket, content);
    try {
      await rename(temp.file, path.join(dir, String(n)));
    } finally {
      await rm(temp.file, { force: true });
    }
    await writeFile(path.join(dir, `${n}.md5`), temp.md5);
    return { size: temp.size, md5: temp.md5 };
  }

  async putObjectMultipart(
    bucket: string,
    uploadId: string,
    parts: { number: number; etag: string }[],
  ): Promise<{ size: number; md5: string }> {
    const dir = this.uploadDir(bucket, uploadId);
    let key: string;
    let headers: Record<string, string>;
    try {
      key = await readFile(path.join(dir, 'key'), 'utf8');
      headers = JSON.parse(await readFile(path.join(dir, 'metadata'), 'utf8')) as Record<
        string,
        string
      >;
    } catch {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', {
        UploadId: uploadId,
      });
    }
    const sorted = [...parts].sort((a, b) => a.number - b.number);
    const md5s: Buffer[] = [];
    for (const part of sorted) {
      const md5 = await readFile(path.join(dir, `${part.number}.md5`), 'utf8').catch(() => '');
      if (!md5 || md5 !== part.etag.replace(/"/g, ''))
        throw new S3Error(
          'InvalidPart',
          'One or more of the specified parts could not be found. The part may not have been ' +
            "uploaded, or the specified entity tag may not match the part's entity tag.",
          { PartNumber: part.number, ETag: part.etag },
        );
      md5s.push(Buffer.from(md5, 'hex'));
    }
    // S3's multipart ETag: the MD5 of the parts' binary MD5s, then the number of parts.
    const etag = `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${sorted.length}`;
    const body = concat(sorted.map((p) => path.join(dir, String(p.number))));
    // The ETag comes from the parts' MD5s: hashing the whole body again would be wasted.
    const temp = await this.writeTemp(bucket, body, false);
    try {
      await this.guard({ bucket, key }, undefined, (write) =>
        this.commit(bucket, key, temp.file, { size: temp.size, etag, headers, write }),
      );
    } finally {
      await rm(temp.file, { force: true });
    }
    await rm(dir, { recursive: true, force: true });
    return { size: temp.size, md5: etag };
  }

  async getSubresource(
    bucket: string,
    key: string | undefined,
    type: string,
  ): Promise<S3rverConfig | null> {
    const Model = getS3rverConfigModel(type);
    try {
      return new Model(await readFile(this.getResourcePath(bucket, key, `${type}.xml`), 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async putSubresource(
    bucket: string,
    key: string | undefined,
    resource: S3rverConfig,
  ): Promise<void> {
    const file = this.getResourcePath(bucket, key, `${resource.type}.xml`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, resource.toXML(2));
  }

  async deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<void> {
    await rm(this.getResourcePath(bucket, key, `${type}.xml`), { force: true });
  }

  // --- internals ---

  private mustHave(bucket: string): void {
    if (!this.buckets.has(bucket))
      throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', {
        BucketName: bucket,
      });
  }

  private model(bucket: string, record: ObjectRecord): S3rverObject {
    return new S3rverObjectModel(bucket, record.key, null, metadataOf(record));
  }

  private uploadDir(bucket: string, uploadId: string): string {
    if (!/^[0-9a-f]{1,64}$/.test(uploadId))
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', {
        UploadId: uploadId,
      });
    return path.join(bucketDir(this.rootDirectory, bucket), UPLOADS_DIR, uploadId);
  }

  /** Make `temp` the bytes of `bucket/key`: data file, then its index line (the commit point). */
  private async commit(
    bucket: string,
    key: string,
    temp: string,
    fields: Pick<ObjectRecord, 'size' | 'etag' | 'headers'> & { write: WriteRecord },
  ): Promise<void> {
    const index = this.buckets.get(bucket)!;
    const dir = objectDir(this.rootDirectory, bucket, key);
    const hash = keyHash(key);
    const record: ObjectRecord = {
      key,
      ...fields,
      lastModified: fields.write.time,
      data: `${hash}.${randomBytes(6).toString('hex')}.data`,
    };
    await mkdir(dir, { recursive: true });
    await rename(temp, path.join(dir, record.data));
    await this.appendIndex(bucket, indexLine({ k: key, r: record }));
    const previous = index.records.get(key);
    index.records.set(key, record);
    index.keys.insert(key);
    if (previous && previous.data !== record.data)
      await rm(path.join(dir, previous.data), { force: true });
  }

  /** A fresh name in the bucket's temp folder. */
  private async tempFile(bucket: string): Promise<string> {
    const dir = path.join(bucketDir(this.rootDirectory, bucket), TEMP_DIR);
    await mkdir(dir, { recursive: true });
    return path.join(dir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
  }

  /** Stream `content` to a temp file; its MD5 (the ETag) only when `hash` (else empty). */
  private async writeTemp(
    bucket: string,
    content: Readable,
    hash = true,
  ): Promise<{ file: string; size: number; md5: string }> {
    const file = await this.tempFile(bucket);
    const md5 = hash ? createHash('md5') : undefined;
    let size = 0;
    try {
      await pipeline(
        content,
        new Transform({
          transform(chunk: Buffer, _enc, callback) {
            md5?.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        }),
        createWriteStream(file),
      );
    } catch (err) {
      await rm(file, { force: true });
      throw err;
    }
    return { file, size, md5: md5?.digest('hex') ?? '' };
  }

  /**
   * A temp file with the bytes of the data file `from`, for a copy. Data files are never written
   * after their rename into place (an overwrite makes a new one, a delete unlinks a name), so a
   * hard link is a copy at no cost whatever the size; a file system without links gets a real copy.
   */
  private async linkTemp(bucket: string, from: string): Promise<{ file: string }> {
    const file = await this.tempFile(bucket);
    try {
      await link(from, file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw err;
      await copyFile(from, file);
    }
    return { file };
  }

  private appendIndex(bucket: string, line: string): Promise<void> {
    // One small append per write (O_APPEND): lines of concurrent writes never interleave.
    return appendFile(path.join(bucketDir(this.rootDirectory, bucket), INDEX_FILE), line);
  }

  /**
   * Load a bucket's index log, rewrite it compacted (one line per live object), and drop temp
   * files and data files no record names (leftovers of interrupted writes).
   */
  private async loadBucket(bucket: string): Promise<void> {
    const dir = bucketDir(this.rootDirectory, bucket);
    await rm(path.join(dir, TEMP_DIR), { recursive: true, force: true });
    const records = await readIndex(this.rootDirectory, bucket);
    const keys = [...records.keys()];
    const compacted = path.join(dir, `${INDEX_FILE}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(compacted, keys.map((k) => indexLine({ k, r: records.get(k)! })).join(''));
    await rename(compacted, path.join(dir, INDEX_FILE));
    const referenced = new Set(
      [...records.values()].map((r) => dataFilePath(this.rootDirectory, bucket, r)),
    );
    const objects = path.join(dir, OBJECTS_DIR);
    for (const sub of await readdir(objects).catch(() => [] as string[])) {
      for (const name of await readdir(path.join(objects, sub)).catch(() => [] as string[])) {
        const file = path.join(objects, sub, name);
        if (name.endsWith('.data') && !referenced.has(file)) await rm(file, { force: true });
      }
    }
    for (const name of await readdir(dir)) {
      if (name.startsWith(`${INDEX_FILE}.`) && name.endsWith('.tmp'))
        await rm(path.join(dir, name), { force: true });
    }
    this.buckets.set(bucket, {
      keys: SortedKeys.from(keys),
      records,
      created: (await stat(dir)).birthtime,
    });
  }
}

/** The metadata map s3rver's controllers read (quoted ETag, HTTP date, length, headers). */
function metadataOf(record: ObjectRecord): S3rverMetadata {
  return {
    'content-type': 'binary/octet-stream',
    ...record.headers,
    etag: JSON.stringify(record.etag),
    'last-modified': new Date(record.lastModified).toUTCString(),
    'content-length': record.size,
  };
}

/** The headers an object keeps: those S3 stores, and user metadata. */
function storedHeaders(metadata: S3rverMetadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (S3rverObjectModel.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-'))
      out[name] = String(value);
  }
  return out;
}

function checkKey(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES)
    throw new S3Error('KeyTooLongError', 'Your key is too long', {
      Size: Buffer.byteLength(key, 'utf8'),
      MaxSizeAllowed: MAX_KEY_BYTES,
    });
}

function openRead(file: string, range: { start: number; end: number }): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const stream = createReadStream(file, range);
    stream.once('error', reject).once('open', () => resolve(stream));
  });
}

/** The files' bytes one after the other, as one stream. */
function concat(files: string[]): Readable {
  // A generator, not a pipeline per part into one PassThrough: those left a close listener each
  // on it (a MaxListenersExceededWarning past ten parts). Large reads: fewer chunks to pass on.
  return Readable.from(
    (async function* () {
      for (const f of files) yield* createReadStream(f, { highWaterMark: 1 << 20 });
    })(),
    { objectMode: false },
  );
}
