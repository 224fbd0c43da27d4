/**
 * The multipart copy through the twin's S3 endpoint (its UploadPartCopy), with the threshold and
 * part size lowered so a few megabytes go part by part: the bytes arrive whole, a missing bucket is
 * BucketNotFoundError, and an ETag pin that no longer holds copies nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BucketNotFoundError, createS3Client, S3ObjectStore } from '../../src/aws/s3.js';
import { PreconditionFailedError } from '../../src/core/storageErrors.js';
import { startS3Endpoint, type S3Endpoint } from '../../src/local/s3/index.js';
import { removeDir, tempDir } from './helpers.js';

let dir: string;
let s3: S3Endpoint;
let store: S3ObjectStore;
const MiB = 1024 ** 2;

beforeAll(async () => {
  dir = await tempDir('mpcopy');
  s3 = await startS3Endpoint({ dir, port: 0, buckets: ['src', 'dst'] });
  store = new S3ObjectStore(createS3Client({ endpoint: s3.endpoint }), {
    thresholdBytes: 5 * MiB,
    partBytes: 5 * MiB,
    concurrency: 2,
  });
});

afterAll(async () => {
  store?.client.destroy();
  await s3?.close();
  await removeDir(dir);
});

async function bytes(bucket: string, key: string): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of await store.get(bucket, key)) out.push(Buffer.from(b));
  return Buffer.concat(out);
}

describe('multipart copy through the twin', () => {
  it('copies 12 MiB in three parts, byte for byte, pinned to the ETag', async () => {
    const body = Buffer.alloc(12 * MiB + 7);
    for (let i = 0; i < body.length; i++) body[i] = (i * 131 + (i >> 12)) & 0xff;
    await store.put('src', 'big file.csv', body);
    const { etag } = (await store.head('src', 'big file.csv'))!;
    await store.copy(
      { bucket: 'src', key: 'big file.csv', ifMatch: etag! },
      { bucket: 'dst', key: 'copy.csv' },
    );
    const copied = await bytes('dst', 'copy.csv');
    expect(copied.length).toBe(body.length);
    expect(Buffer.compare(copied, body)).toBe(0);
    expect((await store.head('dst', 'copy.csv'))!.etag).toMatch(/-3"?$/);
  });

  it('refuses a stale pin and a missing bucket by name', async () => {
    await expect(
      store.copy(
        { bucket: 'src', key: 'big file.csv', ifMatch: '"0123"' },
        { bucket: 'dst', key: 'x' },
      ),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await store.head('dst', 'x')).toBeUndefined();
    await expect(store.head('no-such-bucket', 'k')).rejects.toBeInstanceOf(BucketNotFoundError);
  });
});
