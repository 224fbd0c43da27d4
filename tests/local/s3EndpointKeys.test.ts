/**
 * Issue 10, items 1–3: listings with a delimiter at any depth, keys that are opaque strings (never
 * paths), S3's multipart ETag, and state folders of the previous (s3rver) layout still loading.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import {
  appendFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/aws/s3.js';
import { s3rverFileResolver } from '../../src/local/query/localFileResolver.js';
import { startS3Endpoint, type S3Endpoint } from '../../src/local/s3/index.js';

let root: string;
let dir: string;
let s3: S3Endpoint;
let client: S3Client;
const B = 'keys';

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'lake-s3-keys-'));
  dir = path.join(root, 'state', 's3');
  s3 = await startS3Endpoint({ dir, port: 0, buckets: [B, 'lake-curated'] });
  client = createS3Client({ endpoint: s3.endpoint });
});

afterAll(async () => {
  client?.destroy();
  await s3?.close();
  await rm(root, { recursive: true, force: true });
});

const put = (Key: string, Body: string | Uint8Array, Bucket = B) =>
  client.send(new PutObjectCommand({ Bucket, Key, Body }));

async function get(Key: string, Bucket = B): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket, Key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** Every entry of a listing, following continuation tokens. */
async function listAll(Prefix: string, Delimiter?: string, MaxKeys?: number, Bucket = B) {
  const keys: string[] = [];
  const prefixes: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const out = await client.send(
      new ListObjectsV2Command({ Bucket, Prefix, Delimiter, MaxKeys, ContinuationToken: token }),
    );
    keys.push(...(out.Contents ?? []).map((o) => o.Key!));
    prefixes.push(...(out.CommonPrefixes ?? []).map((p) => p.Prefix!));
    expect(out.KeyCount).toBe((out.Contents?.length ?? 0) + (out.CommonPrefixes?.length ?? 0));
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
    pages++;
  } while (token && pages < 100);
  return { keys, prefixes, pages };
}

describe('ListObjectsV2 with a delimiter', () => {
  beforeAll(async () => {
    for (const k of ['zz/one.txt', 'zz/a/two.txt', 'zz/b/c/three.txt', 'zz/d/e/f/four.txt'])
      await put(k, k);
  });

  it('lists every folder under a prefix, including folders that hold only folders', async () => {
    const out = await listAll('zz/', '/');
    expect(out.keys).toEqual(['zz/one.txt']);
    expect(out.prefixes).toEqual(['zz/a/', 'zz/b/', 'zz/d/']);
  });

  it('lists at every depth, and from the root', async () => {
    expect((await listAll('', '/')).prefixes).toContain('zz/');
    expect(await listAll('zz/b/', '/')).toMatchObject({ keys: [], prefixes: ['zz/b/c/'] });
    expect(await listAll('zz/d/e/', '/')).toMatchObject({ keys: [], prefixes: ['zz/d/e/f/'] });
    expect((await listAll('zz/', undefined)).keys).toHaveLength(4);
  });

  it('counts common prefixes against MaxKeys and pages through them', async () => {
    const out = await listAll('zz/', '/', 1);
    expect(out.pages).toBe(4);
    expect([...out.prefixes, ...out.keys]).toEqual(['zz/a/', 'zz/b/', 'zz/d/', 'zz/one.txt']);
  });

  it('answers ListObjects v1 with NextMarker when a delimited page is truncated', async () => {
    const out = await client.send(
      new ListObjectsCommand({ Bucket: B, Prefix: 'zz/', Delimiter: '/', MaxKeys: 2 }),
    );
    expect(out.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['zz/a/', 'zz/b/']);
    expect(out.IsTruncated).toBe(true);
    expect(out.NextMarker).toBe('zz/b/');
    const next = await client.send(
      new ListObjectsCommand({ Bucket: B, Prefix: 'zz/', Delimiter: '/', Marker: out.NextMarker }),
    );
    expect(next.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['zz/d/']);
    expect(next.Contents?.map((o) => o.Key)).toEqual(['zz/one.txt']);
  });

  it('honours StartAfter and url encoding-type', async () => {
    const out = await client.send(
      new ListObjectsV2Command({ Bucket: B, Prefix: 'zz/', StartAfter: 'zz/b/c/three.txt' }),
    );
    expect(out.Contents?.map((o) => o.Key)).toEqual(['zz/d/e/f/four.txt', 'zz/one.txt']);
    await put('enc/a b+c%d.txt', 'x');
    const raw = await rawGet(`/${B}?list-type=2&prefix=enc%2F&encoding-type=url`);
    expect(raw).toContain('<EncodingType>url</EncodingType>');
    expect(raw).toContain(`<Key>${encodeURIComponent('enc/a b+c%d.txt')}</Key>`);
  });
});

function rawGet(urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`${s3.endpoint}${urlPath}`, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString()));
      })
      .on('error', reject);
  });
}

/** Every file under `d`, relative to `root`. */
async function filesUnder(d: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(path.relative(root, p));
  }
  return out;
}

describe('keys are opaque strings', () => {
  const awkward = [
    '..',
    '.',
    '//',
    '/leading',
    'trailing/',
    'back\\slash\\..\\x',
    '../../../../../tmp/x_users.csv',
    'a/../../b',
    './c/./d',
    'é-nfc'.normalize('NFC'),
    'é-nfc'.normalize('NFD'),
    'Case.csv',
    'case.csv',
    `long/${'k'.repeat(1019)}`,
    '%2E%2E/pct',
  ];

  it('stores, reads back and lists each verbatim, none reaching outside its bucket', async () => {
    for (const [i, key] of awkward.entries()) await put(key, `body ${i}`);
    for (const [i, key] of awkward.entries()) {
      expect((await get(key)).toString(), key).toBe(`body ${i}`);
      const head = await client.send(new HeadObjectCommand({ Bucket: B, Key: key }));
      expect(head.ContentLength).toBe(`body ${i}`.length);
    }
    const listed = (await listAll('')).keys;
    for (const key of awkward)
      expect(
        listed.filter((k) => k === key),
        key,
      ).toHaveLength(1);
    expect(Buffer.byteLength(awkward.at(-2)!)).toBe(1024);
    // Nothing outside the endpoint's folder, and only the layout's names inside it.
    expect(await readdir(root)).toEqual(['state']);
    expect(await readdir(path.join(root, 'state'))).toEqual(['s3']);
    for (const f of await filesUnder(path.join(root, 'state', 's3')))
      expect(f).toMatch(
        /^state\/s3\/(layout\.json|[a-z0-9.-]+\/(index\.log|(objects|tmp|uploads|config)\/))/,
      );
  });

  it('keeps NFC and NFD apart, and lists in UTF-8 byte order', async () => {
    const nfc = 'é-nfc'.normalize('NFC');
    const nfd = 'é-nfc'.normalize('NFD');
    expect(nfc).not.toBe(nfd);
    await put('order/\u{1F600}', 'astral');
    await put('order/\uFFFD', 'bmp');
    const keys = (await listAll('order/')).keys;
    // U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16.
    expect(keys).toEqual(['order/\uFFFD', 'order/\u{1F600}']);
  });

  it('refuses a key longer than 1,024 bytes with KeyTooLongError', async () => {
    const err = await put('x'.repeat(1025), 'y').then(
      () => undefined,
      (e: unknown) => e as { name?: string },
    );
    expect(err?.name).toBe('KeyTooLongError');
  });
});

describe('multipart ETag', () => {
  it('is the MD5 of the parts’ binary MD5s, a dash and the number of parts', async () => {
    const parts = [Buffer.alloc(5 * 1024 * 1024, 'a'), Buffer.from('tail')];
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: B, Key: 'mp/two-parts.bin' }),
    );
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) {
      const out = await client.send(
        new UploadPartCommand({
          Bucket: B,
          Key: 'mp/two-parts.bin',
          UploadId,
          PartNumber: i + 1,
          Body: body,
        }),
      );
      etags.push(out.ETag!);
    }
    const done = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: 'mp/two-parts.bin',
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    const md5 = (b: Buffer) => createHash('md5').update(b).digest();
    const expected = `"${createHash('md5')
      .update(Buffer.concat(parts.map(md5)))
      .digest('hex')}-2"`;
    expect(done.ETag).toBe(expected);
    const head = await client.send(new HeadObjectCommand({ Bucket: B, Key: 'mp/two-parts.bin' }));
    expect(head.ETag).toBe(expected);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'mp/' }));
    expect(listed.Contents?.[0]?.ETag).toBe(expected);
    expect((await get('mp/two-parts.bin')).equals(Buffer.concat(parts))).toBe(true);
  });

  it('UploadPartCopy copies the source bytes (whole, or a range) into a part', async () => {
    const source = Buffer.concat([Buffer.alloc(5 * 1024 * 1024, 'x'), Buffer.from('0123456789')]);
    await put('mp/source.bin', source);
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: B, Key: 'mp/copied.bin' }),
    );
    const whole = await client.send(
      new UploadPartCopyCommand({
        Bucket: B,
        Key: 'mp/copied.bin',
        UploadId,
        PartNumber: 1,
        CopySource: `${B}/mp/source.bin`,
      }),
    );
    const ranged = await client.send(
      new UploadPartCopyCommand({
        Bucket: B,
        Key: 'mp/copied.bin',
        UploadId,
        PartNumber: 2,
        CopySource: `${B}/mp/source.bin`,
        CopySourceRange: `bytes=${source.length - 4}-${source.length - 1}`,
      }),
    );
    const md5hex = (b: Buffer) => createHash('md5').update(b).digest('hex');
    expect(whole.CopyPartResult?.ETag).toBe(`"${md5hex(source)}"`);
    expect(ranged.CopyPartResult?.ETag).toBe(`"${md5hex(Buffer.from('6789'))}"`);
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: 'mp/copied.bin',
        UploadId,
        MultipartUpload: {
          Parts: [
            { ETag: whole.CopyPartResult!.ETag, PartNumber: 1 },
            { ETag: ranged.CopyPartResult!.ETag, PartNumber: 2 },
          ],
        },
      }),
    );
    const copied = await get('mp/copied.bin');
    expect(copied.equals(Buffer.concat([source, Buffer.from('6789')]))).toBe(true);
    const stale = await client
      .send(
        new UploadPartCopyCommand({
          Bucket: B,
          Key: 'mp/copied.bin',
          UploadId: (
            await client.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mp/c2' }))
          ).UploadId,
          PartNumber: 1,
          CopySource: `${B}/mp/source.bin`,
          CopySourceIfMatch: '"00000000000000000000000000000000"',
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e as { name?: string },
      );
    expect(stale?.name).toBe('PreconditionFailed');
  });

  it('refuses a part ETag that does not match (InvalidPart)', async () => {
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({ Bucket: B, Key: 'mp/bad.bin' }),
    );
    await client.send(
      new UploadPartCommand({ Bucket: B, Key: 'mp/bad.bin', UploadId, PartNumber: 1, Body: 'x' }),
    );
    const err = await client
      .send(
        new CompleteMultipartUploadCommand({
          Bucket: B,
          Key: 'mp/bad.bin',
          UploadId,
          MultipartUpload: {
            Parts: [{ ETag: '"00000000000000000000000000000000"', PartNumber: 1 }],
          },
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e as { name?: string },
      );
    expect(err?.name).toBe('InvalidPart');
  });
});

describe('the query engine reads objects in place', () => {
  it('resolves s3:// locations to files with the objects’ bytes, in key order', async () => {
    await put('t/date=2021-01-01/b.parquet', 'B', 'lake-curated');
    await put('t/date=2021-01-01/a.parquet', 'A', 'lake-curated');
    await put('t2/x.parquet', 'X', 'lake-curated');
    const resolved = await s3rverFileResolver(dir)('s3://lake-curated/t/');
    expect(resolved.map((r) => r.uri)).toEqual([
      's3://lake-curated/t/date=2021-01-01/a.parquet',
      's3://lake-curated/t/date=2021-01-01/b.parquet',
    ]);
    expect(await Promise.all(resolved.map((r) => readFile(r.file, 'utf8')))).toEqual(['A', 'B']);
  });
});

describe('a state folder of the previous layout (s3rver keys as paths)', () => {
  it('is migrated on start: objects, metadata and ETags kept, old files gone', async () => {
    const old = await mkdtemp(path.join(os.tmpdir(), 'lake-s3-old-'));
    try {
      const bucket = path.join(old, 'lake-raw');
      const write = async (key: string, body: string, meta: Record<string, string>) => {
        const file = path.join(bucket, ...key.split('/')) + '._S3rver_object';
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, body);
        await writeFile(`${file}.md5`, createHash('md5').update(body).digest('hex'));
        await writeFile(
          file.replace(/_object$/, '_metadata.json'),
          JSON.stringify({ 'content-type': 'text/csv', ...meta }),
        );
      };
      await write('users/ingest_date=2021-01-01/src/users.csv', 'id\n1\n', {
        'x-amz-meta-source': 'upload',
      });
      await write('top.txt', 'top', {});
      await mkdir(path.join(bucket, '._S3rver_tmp'), { recursive: true });
      const endpoint = await startS3Endpoint({ dir: old, port: 0, buckets: ['lake-raw'] });
      const c = createS3Client({ endpoint: endpoint.endpoint });
      try {
        const out = await c.send(
          new GetObjectCommand({
            Bucket: 'lake-raw',
            Key: 'users/ingest_date=2021-01-01/src/users.csv',
          }),
        );
        expect(await out.Body!.transformToString()).toBe('id\n1\n');
        expect(out.ContentType).toBe('text/csv');
        expect(out.Metadata).toEqual({ source: 'upload' });
        expect(out.ETag).toBe(`"${createHash('md5').update('id\n1\n').digest('hex')}"`);
        const listed = await c.send(
          new ListObjectsV2Command({ Bucket: 'lake-raw', Delimiter: '/' }),
        );
        expect(listed.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['users/']);
        expect(listed.Contents?.map((o) => o.Key)).toEqual(['top.txt']);
      } finally {
        c.destroy();
        await endpoint.close();
      }
      expect((await readdir(bucket)).sort()).toEqual(['index.log', 'objects']);
      expect(JSON.parse(await readFile(path.join(old, 'layout.json'), 'utf8'))).toEqual({
        version: 3,
      });
      expect((await stat(path.join(old, 'layout.json'))).isFile()).toBe(true);
    } finally {
      await rm(old, { recursive: true, force: true });
    }
  });
});

describe('the index log across restarts', () => {
  it('keeps puts, overwrites and deletes, ignores a torn last line, drops unreferenced files', async () => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'lake-s3-restart-'));
    try {
      const first = await startS3Endpoint({ dir: d, port: 0, buckets: ['lake-raw'] });
      const c1 = createS3Client({ endpoint: first.endpoint });
      const send = (c: S3Client, Key: string, Body: string) =>
        c.send(new PutObjectCommand({ Bucket: 'lake-raw', Key, Body }));
      await send(c1, 'kept', 'one');
      await send(c1, 'over', 'v1');
      await send(c1, 'over', 'v2');
      await send(c1, 'gone', 'x');
      await c1.send(new DeleteObjectCommand({ Bucket: 'lake-raw', Key: 'gone' }));
      c1.destroy();
      await first.close();
      // A crash mid-append, and a data file whose line never made it.
      await appendFile(path.join(d, 'lake-raw', 'index.log'), '{"k":"torn","r":{"key":"to');
      const stray = path.join(d, 'lake-raw', 'objects', 'ab', `${'ab'.repeat(32)}.0.data`);
      await mkdir(path.dirname(stray), { recursive: true });
      await writeFile(stray, 'stray');

      const second = await startS3Endpoint({ dir: d, port: 0, buckets: ['lake-raw'] });
      const c2 = createS3Client({ endpoint: second.endpoint });
      try {
        const listed = await c2.send(new ListObjectsV2Command({ Bucket: 'lake-raw' }));
        expect(listed.Contents?.map((o) => o.Key)).toEqual(['kept', 'over']);
        const over = await c2.send(new GetObjectCommand({ Bucket: 'lake-raw', Key: 'over' }));
        expect(await over.Body!.transformToString()).toBe('v2');
        await expect(stat(stray)).rejects.toThrow();
        const lines = (await readFile(path.join(d, 'lake-raw', 'index.log'), 'utf8'))
          .trim()
          .split('\n');
        expect(lines).toHaveLength(2); // compacted at start
      } finally {
        c2.destroy();
        await second.close();
      }
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
