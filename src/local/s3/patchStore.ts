/**
 * Fixes to s3rver 3.7's FilesystemStore, applied to one store instance:
 * - writes (objects and multipart parts) go to a temporary file and are renamed into place only
 *   after the last byte is on disk, so no reader (GetObject, CopyObject, the query engine) ever
 *   sees a partial or half-overwritten object, and a failed or refused upload leaves nothing behind;
 *   s3rver's own writes resolve before the file stream has finished and stream errors hang them;
 * - `Range: bytes=N-0`-style requests whose end is 0 (s3rver reads `end || Infinity`).
 */
import { randomBytes, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectCreatedReason } from './objectCreated.js';
import { S3rverObjectModel, type S3rverMetadata, type S3rverStore } from './s3rverInternals.js';

/** Folder (inside each bucket folder) for in-flight writes; s3rver's listings skip its files. */
export const TEMP_DIR_NAME = '._S3rver_tmp';

/** An object named by bucket and key. */
export interface ObjectRef {
  bucket: string;
  key: string;
}

/**
 * What the endpoint records of each write with the object, so that the event it gave can be
 * built again from the stored object alone (a restart's reconcile gives the same event).
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

/**
 * Runs the step that makes a write visible (`commit`) with the locks of `target` (and `source`)
 * held, once the request's conditions hold; throws S3's error, and commits nothing, when not.
 */
export type WriteGuard = <T>(
  target: ObjectRef,
  source: ObjectRef | undefined,
  commit: (version: WriteRecord) => Promise<T>,
) => Promise<T>;

/** The metadata field holding the write record (never served: s3rver's object model drops it). */
const WRITE_RECORD_FIELD = 'x-lake-write';

/** The write record stored with an object's metadata, if it has one. */
export function readWriteRecord(metadata: S3rverMetadata): WriteRecord | undefined {
  const raw = metadata[WRITE_RECORD_FIELD];
  if (typeof raw !== 'string') return undefined;
  try {
    const r = JSON.parse(raw) as Partial<WriteRecord>;
    return typeof r.sequencer === 'string' && typeof r.time === 'string'
      ? (r as WriteRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Replace the unsafe store methods of `store` with safe ones. */
export function patchStore(store: S3rverStore, guard: WriteGuard): void {
  const originalGetObject = store.getObject.bind(store);
  const originalCopyObject = store.copyObject.bind(store);

  store.putObject = async (object) => {
    const target = store.getResourcePath(object.bucket, object.key, 'object');
    const content = Buffer.isBuffer(object.content)
      ? Readable.from([object.content])
      : (object.content ?? Readable.from([]));
    // The body is on disk before the condition is checked: the lock is held for a rename only.
    const temp = await writeTemp(store, object.bucket, content);
    try {
      return await guard(object, undefined, async (version) => {
        await moveIntoPlace(temp.file, target);
        await writeMetadata(store, object.bucket, object.key, object.metadata, version, temp.md5);
        return { size: temp.size, md5: temp.md5 };
      });
    } finally {
      await rm(temp.file, { force: true });
    }
  };

  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const uploadDir = path.join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    const target = path.join(uploadDir, String(partNumber));
    const temp = await writeTemp(store, bucket, content);
    try {
      await moveIntoPlace(temp.file, target);
    } finally {
      await rm(temp.file, { force: true });
    }
    await writeFile(`${target}.md5`, temp.md5);
    return { size: temp.size, md5: temp.md5 };
  };

  store.getObject = async (bucket, key, options) => {
    if (options?.end !== 0) return originalGetObject(bucket, key, options);
    // s3rver treats an end of 0 as "to the end of the object"; serve the one byte asked for.
    let metadata: S3rverMetadata;
    try {
      metadata = await store.getMetadata(bucket, key);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const start = options.start ?? 0;
    const range = { start, end: 0 };
    const size = Number(metadata['content-length']);
    const content =
      start === 0 && size > 0
        ? createReadStream(store.getResourcePath(bucket, key, 'object'), { start: 0, end: 0 })
        : null;
    const object = new S3rverObjectModel(bucket, key, content, metadata);
    object.range = range;
    return object;
  };

  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacementMetadata) => {
    const metadata = await guard(
      { bucket: destBucket, key: destKey },
      { bucket: srcBucket, key: srcKey },
      async (version) => {
        await originalCopyObject(srcBucket, srcKey, destBucket, destKey, replacementMetadata);
        // The copy carries the source's version fields: the destination's are this write's.
        const copied = await readStoredMetadata(store, destBucket, destKey);
        await writeMetadata(store, destBucket, destKey, copied, version);
        return store.getMetadata(destBucket, destKey);
      },
    );
    return metadata;
  };
}

/**
 * s3rver's metadata sidecar, written by rename (a crash never leaves half a JSON file), with the
 * allowed headers, user metadata and the write's version fields.
 */
async function writeMetadata(
  store: S3rverStore,
  bucket: string,
  key: string,
  metadata: S3rverMetadata,
  version: WriteRecord,
  md5?: string,
): Promise<void> {
  const json: S3rverMetadata = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (S3rverObjectModel.ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-'))
      json[name] = value;
  }
  json[WRITE_RECORD_FIELD] = JSON.stringify(version);
  if (md5) await writeFileAtomically(store.getResourcePath(bucket, key, 'object.md5'), md5);
  await writeFileAtomically(
    store.getResourcePath(bucket, key, 'metadata.json'),
    JSON.stringify(json, null, 2),
  );
}

async function readStoredMetadata(
  store: S3rverStore,
  bucket: string,
  key: string,
): Promise<S3rverMetadata> {
  try {
    return JSON.parse(
      await readFile(store.getResourcePath(bucket, key, 'metadata.json'), 'utf8'),
    ) as S3rverMetadata;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}

async function writeFileAtomically(file: string, data: string): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, data);
  await rename(temp, file);
}

/** Stream `content` into a new file of the bucket's temp folder, hashing it on the way. */
async function writeTemp(
  store: S3rverStore,
  bucket: string,
  content: Readable,
): Promise<{ file: string; size: number; md5: string }> {
  const tempDir = path.join(store.rootDirectory, bucket, TEMP_DIR_NAME);
  await mkdir(tempDir, { recursive: true });
  const file = path.join(tempDir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
  const md5 = createHash('md5');
  let size = 0;
  try {
    await pipeline(
      content,
      new Transform({
        transform(chunk: Buffer, _enc, callback) {
          md5.update(chunk);
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
  return { file, size, md5: md5.digest('hex') };
}

/** Rename a finished temp file over `target` (readers see the old file or the new, whole). */
async function moveIntoPlace(temp: string, target: string): Promise<void> {
  // A concurrent delete may prune the (empty) target folder between mkdir and rename: retry once.
  await mkdir(path.dirname(target), { recursive: true });
  await rename(temp, target).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    await mkdir(path.dirname(target), { recursive: true });
    await rename(temp, target);
  });
}
