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
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3rverObjectModel, type S3rverMetadata, type S3rverStore } from './s3rverInternals.js';

/** Folder (inside each bucket folder) for in-flight writes; s3rver's listings skip its files. */
export const TEMP_DIR_NAME = '._S3rver_tmp';

/** Replace the unsafe store methods of `store` with safe ones. */
export function patchStore(
  store: S3rverStore,
  onCopied?: (metadata: S3rverMetadata) => void,
): void {
  const originalGetObject = store.getObject.bind(store);
  const originalCopyObject = store.copyObject.bind(store);

  store.putObject = async (object) => {
    const target = store.getResourcePath(object.bucket, object.key, 'object');
    const content = Buffer.isBuffer(object.content)
      ? Readable.from([object.content])
      : (object.content ?? Readable.from([]));
    const { size, md5 } = await writeAtomically(store, object.bucket, content, target);
    await store.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size, md5 };
  };

  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const uploadDir = path.join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    const target = path.join(uploadDir, String(partNumber));
    const result = await writeAtomically(store, bucket, content, target);
    await writeFile(`${target}.md5`, result.md5);
    return result;
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
    const metadata = await originalCopyObject(
      srcBucket,
      srcKey,
      destBucket,
      destKey,
      replacementMetadata,
    );
    onCopied?.(metadata);
    return metadata;
  };
}

async function writeAtomically(
  store: S3rverStore,
  bucket: string,
  content: Readable,
  target: string,
): Promise<{ size: number; md5: string }> {
  const tempDir = path.join(store.rootDirectory, bucket, TEMP_DIR_NAME);
  await mkdir(tempDir, { recursive: true });
  const temp = path.join(tempDir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
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
      createWriteStream(temp),
    );
    // A concurrent delete may prune the (empty) target folder between mkdir and rename: retry once.
    await mkdir(path.dirname(target), { recursive: true });
    await rename(temp, target).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      await mkdir(path.dirname(target), { recursive: true });
      await rename(temp, target);
    });
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return { size, md5: md5.digest('hex') };
}
