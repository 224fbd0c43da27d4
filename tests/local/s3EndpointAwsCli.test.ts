/**
 * Conformance with a real third-party client: AWS CLI v2 (Debian's `awscli`, installed by
 * `.ci/run`) against the twin's endpoint on loopback. Each result is compared with what S3
 * documents. Without a v2 CLI the suite is skipped locally and fails in CI.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Endpoint, type S3Endpoint } from '../../src/local/s3/index.js';

const run = promisify(execFile);

/** The first AWS CLI v2 found: Debian's, or one on PATH. */
async function findCliV2(): Promise<string | undefined> {
  for (const candidate of ['/usr/bin/aws', '/usr/local/bin/aws', 'aws']) {
    if (candidate.startsWith('/') && !existsSync(candidate)) continue;
    try {
      const { stdout } = await run(candidate, ['--version'], { timeout: 15_000 });
      if (/^aws-cli\/2\./.test(stdout.trim())) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const cli = await findCliV2();
if (!cli && process.env.CI) throw new Error('AWS CLI v2 is not installed (see .ci/run)');

let root: string;
let s3: S3Endpoint;
let env: NodeJS.ProcessEnv;
const B = 'cli-bucket';

beforeAll(async () => {
  if (!cli) return;
  root = await mkdtemp(path.join(os.tmpdir(), 'lake-awscli-'));
  s3 = await startS3Endpoint({
    dir: path.join(root, 'state'),
    port: 0,
    buckets: [B, 'lake-ingest'],
  });
  const config = path.join(root, 'aws-config');
  await writeFile(config, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n');
  env = {
    PATH: process.env.PATH,
    HOME: root,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: path.join(root, 'no-credentials'),
    AWS_ACCESS_KEY_ID: 'any-key',
    AWS_SECRET_ACCESS_KEY: 'any-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
});

afterAll(async () => {
  await s3?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** `aws --endpoint-url … ARGS`; resolves with stdout, rejects with stderr. */
async function aws(...args: string[]): Promise<string> {
  const { stdout } = await run(cli!, ['--endpoint-url', s3.endpoint, ...args], {
    env,
    cwd: root,
    timeout: 25_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

async function awsJson<T>(...args: string[]): Promise<T> {
  return JSON.parse(await aws(...args, '--output', 'json')) as T;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest();

/** Files named `names` (relative, nested) under `root/dir`, each holding its own name. */
async function tree(dir: string, names: string[]): Promise<void> {
  for (const name of names) {
    const file = path.join(root, dir, ...name.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, name);
  }
}

// Each CLI call is a Python start (1–3 s on a busy machine): tests keep their calls few.
describe.skipIf(!cli)('AWS CLI v2 against the twin', { timeout: 30_000 }, () => {
  it("runs the README's upload example: s3 cp FILE s3://lake-ingest/", async () => {
    await writeFile(path.join(root, 'users.csv'), 'id,email\n1,a@example.com\n');
    const out = await aws('s3', 'cp', 'users.csv', 's3://lake-ingest/');
    expect(out).toContain('upload: ./users.csv to s3://lake-ingest/users.csv');
    const head = await awsJson<{ ContentLength: number }>(
      's3api',
      'head-object',
      '--bucket',
      'lake-ingest',
      '--key',
      'users.csv',
    );
    expect(head.ContentLength).toBe(25);
  });

  it('s3 ls at every depth, with and without --recursive', async () => {
    await tree('lstree', [
      'top.txt',
      'a/one.txt',
      'a/b/two.txt',
      'a/b/c/three.txt',
      'x/y/z/four.txt',
    ]);
    await aws('s3', 'sync', 'lstree', `s3://${B}/ls/`);
    const lines = (s: string) =>
      s
        .trim()
        .split('\n')
        .map((l) => l.trim().replace(/^\S+ \S+\s+\d+ /, ''));
    expect(lines(await aws('s3', 'ls', `s3://${B}/`))).toEqual(['PRE ls/']);
    expect(lines(await aws('s3', 'ls', `s3://${B}/ls/`))).toEqual(['PRE a/', 'PRE x/', 'top.txt']);
    expect(lines(await aws('s3', 'ls', `s3://${B}/ls/a/b/`))).toEqual(['PRE c/', 'two.txt']);
    expect(lines(await aws('s3', 'ls', `s3://${B}/ls/x/y/`))).toEqual(['PRE z/']);
    expect(lines(await aws('s3', 'ls', '--recursive', `s3://${B}/ls/`))).toEqual([
      'ls/a/b/c/three.txt',
      'ls/a/b/two.txt',
      'ls/a/one.txt',
      'ls/top.txt',
      'ls/x/y/z/four.txt',
    ]);
  });

  it('cp up and down, multipart included, with S3’s multipart ETag', async () => {
    // 20 MiB: above the CLI's 8 MiB threshold, so three parts (8 + 8 + 4 MiB).
    const big = randomBytes(20 * 1024 * 1024);
    await writeFile(path.join(root, 'big.bin'), big);
    await aws('s3', 'cp', 'big.bin', `s3://${B}/cp/big.bin`);
    const head = await awsJson<{ ETag: string; ContentLength: number }>(
      's3api',
      'head-object',
      '--bucket',
      B,
      '--key',
      'cp/big.bin',
    );
    const mib8 = 8 * 1024 * 1024;
    const parts = [big.subarray(0, mib8), big.subarray(mib8, 2 * mib8), big.subarray(2 * mib8)];
    const expected = `"${createHash('md5')
      .update(Buffer.concat(parts.map(md5)))
      .digest('hex')}-3"`;
    expect(head).toMatchObject({ ETag: expected, ContentLength: big.length });
    await aws('s3', 'cp', `s3://${B}/cp/big.bin`, 'big.down');
    expect((await readFile(path.join(root, 'big.down'))).equals(big)).toBe(true);
    await writeFile(path.join(root, 'small.txt'), 'small');
    await aws('s3', 'cp', 'small.txt', `s3://${B}/cp/small.txt`);
    await aws('s3', 'cp', `s3://${B}/cp/small.txt`, 'small.down');
    expect(await readFile(path.join(root, 'small.down'), 'utf8')).toBe('small');
  });

  it('cp between two S3 locations above the multipart threshold (UploadPartCopy)', async () => {
    const big = randomBytes(12 * 1024 * 1024);
    await writeFile(path.join(root, 'big12.bin'), big);
    await aws('s3', 'cp', 'big12.bin', `s3://${B}/cp2/big.bin`);
    await aws('s3', 'cp', `s3://${B}/cp2/big.bin`, `s3://${B}/cp2/copy.bin`);
    const [a, b] = await Promise.all(
      ['big.bin', 'copy.bin'].map((k) =>
        awsJson<{ ETag: string; ContentLength: number }>(
          's3api',
          'head-object',
          '--bucket',
          B,
          '--key',
          `cp2/${k}`,
        ),
      ),
    );
    // Same 8 MiB parts, same bytes: the same multipart ETag (an empty part would change it).
    expect(b).toMatchObject({ ETag: a!.ETag, ContentLength: big.length });
    expect(a!.ETag).toMatch(/-2"$/);
  });

  it('sync twice: the second uploads nothing', async () => {
    const src = path.join(root, 'syncdir');
    await mkdir(path.join(src, 'nested', 'deeper'), { recursive: true });
    await writeFile(path.join(src, 'a.csv'), 'a');
    await writeFile(path.join(src, 'nested', 'b.csv'), 'bb');
    await writeFile(path.join(src, 'nested', 'deeper', 'c.csv'), 'ccc');
    const first = await aws('s3', 'sync', src, `s3://${B}/sync/`);
    expect(first.match(/^upload:/gm)).toHaveLength(3);
    const second = await aws('s3', 'sync', src, `s3://${B}/sync/`);
    expect(second.trim()).toBe('');
    const down = path.join(root, 'syncdown');
    await aws('s3', 'sync', `s3://${B}/sync/`, down);
    expect(await readFile(path.join(down, 'nested', 'deeper', 'c.csv'), 'utf8')).toBe('ccc');
  });

  it('s3api list-objects-v2 pages with continuation tokens', async () => {
    await tree(
      'pagetree',
      [0, 1, 2, 3, 4, 5, 6].map((i) => `k${i}`),
    );
    await aws('s3', 'sync', 'pagetree', `s3://${B}/page/`);
    const all = await awsJson<{ Contents: { Key: string }[] }>(
      's3api',
      'list-objects-v2',
      '--bucket',
      B,
      '--prefix',
      'page/',
      '--page-size',
      '2',
    );
    expect(all.Contents.map((c) => c.Key)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `page/k${i}`));
    const first = await awsJson<{ Contents: { Key: string }[]; NextToken: string }>(
      's3api',
      'list-objects-v2',
      '--bucket',
      B,
      '--prefix',
      'page/',
      '--max-items',
      '3',
      '--page-size',
      '2',
    );
    expect(first.Contents.map((c) => c.Key)).toEqual(['page/k0', 'page/k1', 'page/k2']);
    const rest = await awsJson<{ Contents: { Key: string }[] }>(
      's3api',
      'list-objects-v2',
      '--bucket',
      B,
      '--prefix',
      'page/',
      '--starting-token',
      first.NextToken,
      '--page-size',
      '2',
    );
    expect(rest.Contents.map((c) => c.Key)).toEqual(['page/k3', 'page/k4', 'page/k5', 'page/k6']);
  });

  it('head-object and delete-objects', async () => {
    await writeFile(path.join(root, 'h.txt'), 'hello');
    await aws('s3', 'cp', 'h.txt', `s3://${B}/del/a`);
    await aws('s3', 'cp', 'h.txt', `s3://${B}/del/b`);
    const head = await awsJson<{ ETag: string; ContentLength: number }>(
      's3api',
      'head-object',
      '--bucket',
      B,
      '--key',
      'del/a',
    );
    expect(head).toMatchObject({
      ContentLength: 5,
      ETag: `"${md5(Buffer.from('hello')).toString('hex')}"`,
    });
    const deleted = await awsJson<{ Deleted: { Key: string }[] }>(
      's3api',
      'delete-objects',
      '--bucket',
      B,
      '--delete',
      JSON.stringify({ Objects: [{ Key: 'del/a' }, { Key: 'del/b' }] }),
    );
    expect(deleted.Deleted.map((d) => d.Key).sort()).toEqual(['del/a', 'del/b']);
    // (`s3 ls` of an empty prefix exits 1, by the CLI's design: ask list-objects-v2.)
    const left = await awsJson<{ KeyCount: number }>(
      's3api',
      'list-objects-v2',
      '--bucket',
      B,
      '--prefix',
      'del/',
      '--no-paginate',
    );
    expect(left.KeyCount).toBe(0);
  });

  it('presign, then curl on the URL', async () => {
    await writeFile(path.join(root, 'p.txt'), 'presigned body');
    await aws('s3', 'cp', 'p.txt', `s3://${B}/pre/p.txt`);
    const url = (await aws('s3', 'presign', `s3://${B}/pre/p.txt`, '--expires-in', '60')).trim();
    expect(url.startsWith(`${s3.endpoint}/${B}/pre/p.txt?`)).toBe(true);
    const { stdout } = await run('curl', ['-sS', '--fail', url], { timeout: 15_000 });
    expect(stdout).toBe('presigned body');
  });

  it('awkward keys through s3api: verbatim, inside the state folder', async () => {
    const keys = ['../../../../../tmp/x_users.csv', 'a//b', 'sp ace+plus%pct é'];
    await writeFile(path.join(root, 'k.txt'), 'k');
    for (const key of keys)
      await aws('s3api', 'put-object', '--bucket', B, '--key', key, '--body', 'k.txt');
    for (const key of keys.slice(0, 2)) {
      await aws('s3api', 'get-object', '--bucket', B, '--key', key, 'got.txt');
      expect(await readFile(path.join(root, 'got.txt'), 'utf8'), key).toBe('k');
    }
    const listed = await awsJson<{ Contents: { Key: string }[] }>(
      's3api',
      'list-objects-v2',
      '--bucket',
      B,
    );
    for (const key of keys) expect(listed.Contents.map((c) => c.Key)).toContain(key);
    expect(await readdir(path.join(root, 'state'))).toEqual(
      expect.not.arrayContaining(['tmp', 'x_users.csv._S3rver_object']),
    );
    expect(existsSync('/tmp/x_users.csv._S3rver_object')).toBe(false);
  });
});
