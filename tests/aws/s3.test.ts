/**
 * The S3 adapter against a fake that enforces S3's rules, with CopyObject's 5 GiB limit lowered to
 * 1 MiB and the 5 MiB minimum part to 64 KiB, so a few megabytes exercise the multipart copy.
 */
import { describe, expect, it } from 'vitest';
import { BucketNotFoundError, S3ObjectStore } from '../../src/aws/s3.js';
import { partRanges, S3_LIMITS } from '../../src/aws/s3MultipartCopy.js';
import { ObjectNotFoundError, PreconditionFailedError } from '../../src/core/storageErrors.js';
import { FakeS3 } from './fakes/fakeS3.js';
import { quarantine, type PipelineDeps } from '../../src/pipeline/index.js';

const MiB = 1024 ** 2;
const LIMITS = { maxCopyObjectBytes: MiB, minPartBytes: 64 * 1024 };

function setup(opts: { versioned?: boolean; concurrency?: number } = {}) {
  const s3 = new FakeS3(LIMITS);
  s3.createBucket('src', { versioned: opts.versioned ?? false });
  s3.createBucket('dst');
  const store = new S3ObjectStore(s3.client('test'), {
    thresholdBytes: LIMITS.maxCopyObjectBytes,
    partBytes: 256 * 1024,
    concurrency: opts.concurrency ?? 3,
  });
  return { s3, store };
}

/** Bytes that differ at every position, so a misplaced part shows. */
function pattern(size: number, seed = 1): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return b;
}

/** Byte equality without a deep compare per byte (slow on megabytes). */
const same = (a: Buffer | undefined, b: Uint8Array) =>
  a !== undefined && Buffer.compare(a, b) === 0;

const commands = (s3: FakeS3) => s3.sent.map((c) => c.command);

describe('missing buckets are configuration errors, missing keys are not', () => {
  it('names NoSuchBucket on get, put, copy and list, and on HEAD (which has no body to say so)', async () => {
    const { store } = setup();
    await expect(store.get('nope', 'k')).rejects.toBeInstanceOf(BucketNotFoundError);
    await expect(store.put('nope', 'k', new Uint8Array(1))).rejects.toBeInstanceOf(
      BucketNotFoundError,
    );
    await expect(store.list('nope', '')).rejects.toBeInstanceOf(BucketNotFoundError);
    await expect(store.head('nope', 'k')).rejects.toThrow(/bucket nope does not exist/);
    await expect(
      store.copy({ bucket: 'nope', key: 'k' }, { bucket: 'dst', key: 'k' }),
    ).rejects.toBeInstanceOf(BucketNotFoundError);
    const err = await store.get('nope', 'k').catch((e: unknown) => e);
    expect((err as Error).name).toBe('BucketNotFoundError');
    expect(err).not.toBeInstanceOf(ObjectNotFoundError);
  });

  it('reads a missing key as absent (head) or ObjectNotFoundError (get, copy)', async () => {
    const { store, s3 } = setup();
    expect(await store.head('src', 'missing')).toBeUndefined();
    expect(commands(s3)).toEqual(['HeadObject', 'HeadBucket']);
    await expect(store.get('src', 'missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(
      store.copy({ bucket: 'src', key: 'missing' }, { bucket: 'dst', key: 'k' }),
    ).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('Quarantine with a misnamed ingest bucket fails as a configuration error, not copied: false', async () => {
    const { store } = setup();
    const deps = {
      store,
      contracts: [],
      buckets: { raw: 'dst', curated: 'dst', quarantine: 'dst' },
    } as unknown as PipelineDeps;
    const err = await quarantine(
      {
        event: { detail: { bucket: { name: 'misnamed-ingest' }, object: { key: 'users.csv' } } },
        error: { Error: 'UnknownDatasetError', Cause: 'x' },
        executionId: 'e1',
      },
      deps,
    ).catch((e: unknown) => e);
    expect((err as Error).name).toBe('BucketNotFoundError');
  });

  it('copies into a missing bucket as BucketNotFoundError naming that bucket', async () => {
    const { store, s3 } = setup();
    s3.putDirect('src', 'k', pattern(10));
    await expect(
      store.copy({ bucket: 'src', key: 'k' }, { bucket: 'gone', key: 'k' }),
    ).rejects.toThrow(/bucket gone does not exist/);
  });
});

describe('copy', () => {
  it('uses one CopyObject up to the threshold, pinned to the ETag', async () => {
    const { store, s3 } = setup();
    const { etag } = s3.putDirect('src', 'a b/ü.csv', pattern(LIMITS.maxCopyObjectBytes));
    await store.copy(
      { bucket: 'src', key: 'a b/ü.csv', ifMatch: etag },
      { bucket: 'dst', key: 'x' },
    );
    expect(commands(s3)).toEqual(['HeadObject', 'CopyObject']);
    expect(same(s3.bytes('dst', 'x'), pattern(LIMITS.maxCopyObjectBytes))).toBe(true);
  });

  it('skips the HeadObject when the size is known and under the threshold, not above it', async () => {
    const { store, s3 } = setup();
    const small = LIMITS.maxCopyObjectBytes;
    const { etag } = s3.putDirect('src', 'small', pattern(small));
    await store.copy(
      { bucket: 'src', key: 'small', ifMatch: etag, size: small },
      { bucket: 'dst', key: 'small' },
    );
    expect(commands(s3)).toEqual(['CopyObject']);
    expect(same(s3.bytes('dst', 'small'), pattern(small))).toBe(true);

    s3.sent.length = 0;
    s3.putDirect('src', 'big', pattern(small + 1));
    await store.copy({ bucket: 'src', key: 'big', size: small + 1 }, { bucket: 'dst', key: 'big' });
    expect(commands(s3)[0]).toBe('HeadObject');
    expect(commands(s3)).toContain('UploadPartCopy');
    await expect(
      store.copy({ bucket: 'src', key: 'gone', size: 10 }, { bucket: 'dst', key: 'gone' }),
    ).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('the fake refuses CopyObject above its limit, as S3 does above 5 GiB', async () => {
    const s3 = new FakeS3(LIMITS);
    s3.createBucket('src');
    s3.createBucket('dst');
    s3.putDirect('src', 'big', pattern(LIMITS.maxCopyObjectBytes + 1));
    const naive = new S3ObjectStore(s3.client('naive'), { thresholdBytes: Infinity });
    await expect(
      naive.copy({ bucket: 'src', key: 'big' }, { bucket: 'dst', key: 'big' }),
    ).rejects.toThrow(/larger than the maximum allowable size/);
  });

  it('copies a larger object part by part, byte for byte, with bounded parallelism', async () => {
    const { store, s3 } = setup({ concurrency: 3 });
    const size = 3 * MiB + 12_345;
    const { etag } = s3.putDirect('src', 'big.csv', pattern(size));
    let inFlight = 0;
    let peak = 0;
    s3.fault = (command) => {
      if (command !== 'UploadPartCopy') return;
      inFlight++;
      peak = Math.max(peak, inFlight);
      queueMicrotask(() => inFlight--);
    };
    await store.copy(
      { bucket: 'src', key: 'big.csv', ifMatch: etag },
      { bucket: 'dst', key: 'big.csv' },
    );
    expect(same(s3.bytes('dst', 'big.csv'), pattern(size))).toBe(true);
    const parts = s3.sent.filter((c) => c.command === 'UploadPartCopy');
    expect(parts).toHaveLength(Math.ceil(size / (256 * 1024)));
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
    // Every part is pinned to the ETag HeadObject saw; Complete sends the source's checksum.
    expect(new Set(parts.map((p) => p.input.CopySourceIfMatch))).toEqual(new Set([etag]));
    const complete = s3.sent.find((c) => c.command === 'CompleteMultipartUpload')!;
    expect(complete.input.ChecksumCRC64NVME).toBeTruthy();
    expect(commands(s3)[0]).toBe('HeadObject');
    expect(s3.openUploads()).toBe(0);
  });

  it('pins every part to the version id in a versioned bucket, even after a newer upload', async () => {
    const { store, s3 } = setup({ versioned: true });
    const first = s3.putDirect('src', 'k', pattern(2 * MiB, 1));
    s3.putDirect('src', 'k', pattern(2 * MiB, 2));
    await store.copy(
      { bucket: 'src', key: 'k', versionId: first.versionId! },
      { bucket: 'dst', key: 'k' },
    );
    expect(same(s3.bytes('dst', 'k'), pattern(2 * MiB, 1))).toBe(true);
    const parts = s3.sent.filter((c) => c.command === 'UploadPartCopy');
    for (const p of parts) expect(p.input.CopySource).toBe(`src/k?versionId=${first.versionId}`);
  });

  it('a source overwritten mid-copy fails with PreconditionFailedError and aborts the upload', async () => {
    const { store, s3 } = setup({ concurrency: 1 });
    s3.putDirect('src', 'k', pattern(2 * MiB, 1));
    let n = 0;
    s3.fault = (command) => {
      if (command === 'UploadPartCopy' && ++n === 3) s3.putDirect('src', 'k', pattern(2 * MiB, 9));
    };
    await expect(
      store.copy({ bucket: 'src', key: 'k' }, { bucket: 'dst', key: 'k' }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(commands(s3)).toContain('AbortMultipartUpload');
    expect(s3.openUploads()).toBe(0);
    expect(s3.bytes('dst', 'k')).toBeUndefined();
  });

  it('refuses an ETag that no longer matches before any part is copied', async () => {
    const { store, s3 } = setup();
    s3.putDirect('src', 'k', pattern(2 * MiB, 1));
    await expect(
      store.copy({ bucket: 'src', key: 'k', ifMatch: '"stale"' }, { bucket: 'dst', key: 'k' }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(commands(s3)).toEqual(['HeadObject']);
  });

  it('plans at most 10,000 parts, growing the part size for huge objects', () => {
    expect(partRanges(10 * 1024 ** 3, 512 * MiB)).toHaveLength(20);
    const huge = partRanges(5 * 1024 ** 4, 512 * MiB);
    expect(huge.length).toBeLessThanOrEqual(S3_LIMITS.maxParts);
    expect(huge.at(-1)!.end).toBe(5 * 1024 ** 4);
    expect(partRanges(0, MiB)).toEqual([]);
  });
});
