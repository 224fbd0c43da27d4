/**
 * Conditional requests against the twin's endpoint, through the real AWS SDK v3 client and the
 * project's S3ObjectStore: what S3 answers, and atomic check-and-write under concurrency.
 */
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client, S3ObjectStore } from '../../src/aws/s3.js';
import { ObjectNotFoundError, PreconditionFailedError } from '../../src/core/storageErrors.js';
import { startS3Endpoint, type S3Endpoint } from '../../src/local/s3/index.js';

let dir: string;
let s3: S3Endpoint;
let client: S3Client;
let store: S3ObjectStore;
const B = 'cond';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lake-s3-cond-'));
  s3 = await startS3Endpoint({ dir, port: 0, buckets: [B, 'other'] });
  client = createS3Client({ endpoint: s3.endpoint });
  store = new S3ObjectStore(client);
});

afterAll(async () => {
  client?.destroy();
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

const text = (s: string) => new TextEncoder().encode(s);

async function read(key: string, bucket = B): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const p of await store.get(bucket, key)) parts.push(p);
  return Buffer.concat(parts).toString();
}

async function etagOf(key: string, bucket = B): Promise<string> {
  return (await store.head(bucket, key))!.etag!;
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

function raw(
  method: string,
  urlPath: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${s3.endpoint}${urlPath}`,
      { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('PutObject with If-None-Match: *', () => {
  it('writes a new key, then refuses with 412 PreconditionFailed and keeps the first body', async () => {
    await store.put(B, 'inm/a.json', text('first'), 'application/json', { ifNoneMatch: '*' });
    const err = await caught(
      store.put(B, 'inm/a.json', text('second'), 'application/json', { ifNoneMatch: '*' }),
    );
    expect(err).toBeInstanceOf(PreconditionFailedError);
    expect((err as Error).name).toBe('PreconditionFailedError');
    expect(await read('inm/a.json')).toBe('first');
  });

  it("answers with S3's XML error body", async () => {
    await raw('PUT', `/${B}/inm/xml.txt`, {}, 'x');
    const res = await raw('PUT', `/${B}/inm/xml.txt`, { 'if-none-match': '*' }, 'y');
    expect(res.status).toBe(412);
    expect(res.body).toContain('<Code>PreconditionFailed</Code>');
    expect(res.body).toContain('<Condition>If-None-Match</Condition>');
  });

  it('lets exactly one of 12 concurrent creators win', async () => {
    const key = 'inm/race.txt';
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        store.put(B, key, text(`writer-${i}`), 'text/plain', { ifNoneMatch: '*' }),
      ),
    );
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(11);
    for (const r of lost)
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(PreconditionFailedError);
    expect(await read(key)).toBe(`writer-${won[0]}`);
  });
});

describe('PutObject with If-Match', () => {
  it('replaces the object whose ETag it names, and refuses a stale one with 412', async () => {
    await store.put(B, 'im/m.json', text('v1'));
    const v1 = await etagOf('im/m.json');
    await store.put(B, 'im/m.json', text('v2'), undefined, { ifMatch: v1 });
    expect(await read('im/m.json')).toBe('v2');
    const err = await caught(store.put(B, 'im/m.json', text('v3'), undefined, { ifMatch: v1 }));
    expect(err).toBeInstanceOf(PreconditionFailedError);
    expect(await read('im/m.json')).toBe('v2');
  });

  it('accepts the ETag with or without quotes', async () => {
    await store.put(B, 'im/q.txt', text('v1'));
    const v1 = await etagOf('im/q.txt');
    await store.put(B, 'im/q.txt', text('v2'), undefined, { ifMatch: v1.replace(/"/g, '') });
    expect(await read('im/q.txt')).toBe('v2');
  });

  it('answers 404 NoSuchKey for a missing key, as S3 does (ObjectNotFoundError)', async () => {
    const res = await raw('PUT', `/${B}/im/missing.txt`, { 'if-match': '"abc"' }, 'x');
    expect(res.status).toBe(404);
    expect(res.body).toContain('<Code>NoSuchKey</Code>');
    const err = await caught(
      store.put(B, 'im/missing2.txt', text('x'), undefined, { ifMatch: '"abc"' }),
    );
    expect(err).toBeInstanceOf(ObjectNotFoundError);
    expect(await store.head(B, 'im/missing2.txt')).toBeUndefined();
  });

  it('keeps a compare-and-swap counter exact under 10 concurrent incrementers', async () => {
    const key = 'im/counter.txt';
    await store.put(B, key, text('0'));
    const increment = async () => {
      for (;;) {
        const etag = await etagOf(key);
        const n = Number(await read(key));
        try {
          // Should the body read be newer than `etag`, the object changed: the write fails.
          await store.put(B, key, text(String(n + 1)), undefined, { ifMatch: etag });
          return;
        } catch (err) {
          if (!(err instanceof PreconditionFailedError)) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, increment));
    expect(await read(key)).toBe('10');
  });
});

describe('CopyObject conditions', () => {
  it('copies only while the source has the ETag named by x-amz-copy-source-if-match', async () => {
    await store.put(B, 'cp/src.csv', text('a,b\n1,2\n'));
    const etag = await etagOf('cp/src.csv');
    await store.copy(
      { bucket: B, key: 'cp/src.csv', ifMatch: etag },
      { bucket: 'other', key: 'x' },
    );
    expect(await read('x', 'other')).toBe('a,b\n1,2\n');
    await store.put(B, 'cp/src.csv', text('changed'));
    const err = await caught(
      store.copy({ bucket: B, key: 'cp/src.csv', ifMatch: etag }, { bucket: 'other', key: 'y' }),
    );
    expect(err).toBeInstanceOf(PreconditionFailedError);
    expect(await store.head('other', 'y')).toBeUndefined();
  });

  it('refuses with 412 when x-amz-copy-source-if-none-match names the current ETag', async () => {
    await store.put(B, 'cp/n.csv', text('n'));
    const etag = await etagOf('cp/n.csv');
    const err = await caught(
      client.send(
        new CopyObjectCommand({
          Bucket: 'other',
          Key: 'n',
          CopySource: `${B}/cp/n.csv`,
          CopySourceIfNoneMatch: etag,
        }),
      ),
    );
    expect((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(
      412,
    );
    await client.send(
      new CopyObjectCommand({
        Bucket: 'other',
        Key: 'n',
        CopySource: `${B}/cp/n.csv`,
        CopySourceIfNoneMatch: '"0123"',
      }),
    );
    expect(await read('n', 'other')).toBe('n');
  });

  it('honours If-None-Match: * on the destination', async () => {
    await store.put(B, 'cp/d1', text('one'));
    await store.put('other', 'taken', text('taken'));
    const err = await caught(
      client.send(
        new CopyObjectCommand({
          Bucket: 'other',
          Key: 'taken',
          CopySource: `${B}/cp/d1`,
          IfNoneMatch: '*',
        }),
      ),
    );
    expect((err as { name?: string }).name).toBe('PreconditionFailed');
    expect(await read('taken', 'other')).toBe('taken');
  });
});

describe('CompleteMultipartUpload conditions', () => {
  async function multipart(key: string, body: string, condition: Record<string, string>) {
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: B, Key: key }),
    );
    const part = await client.send(
      new UploadPartCommand({ Bucket: B, Key: key, UploadId, PartNumber: 1, Body: text(body) }),
    );
    return client.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        ...condition,
      }),
    );
  }

  it('refuses If-None-Match: * over an existing key and If-Match with a stale ETag', async () => {
    await multipart('mp/a.bin', 'first', { IfNoneMatch: '*' });
    const e1 = await caught(multipart('mp/a.bin', 'second', { IfNoneMatch: '*' }));
    expect((e1 as { name?: string }).name).toBe('PreconditionFailed');
    const e2 = await caught(multipart('mp/a.bin', 'third', { IfMatch: '"0000"' }));
    expect((e2 as { name?: string }).name).toBe('PreconditionFailed');
    expect(await read('mp/a.bin')).toBe('first');
    const head = await client.send(new HeadObjectCommand({ Bucket: B, Key: 'mp/a.bin' }));
    await multipart('mp/a.bin', 'fourth', { IfMatch: head.ETag! });
    expect(await read('mp/a.bin')).toBe('fourth');
  });
});

describe('unconditional writes', () => {
  it('still overwrite, and a plain PUT is not slowed by a lock left behind', async () => {
    await client.send(new PutObjectCommand({ Bucket: B, Key: 'plain', Body: 'a' }));
    await client.send(new PutObjectCommand({ Bucket: B, Key: 'plain', Body: 'b' }));
    expect(await read('plain')).toBe('b');
  });
});
