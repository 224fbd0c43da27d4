/**
 * Older state folders are converted on start to the current layout (`s3Layout.ts`), object by
 * object, each step safe to repeat after a crash; then `layout.json` records the version. Data
 * files are linked, not copied.
 * - Layout 1 (no `layout.json`) is s3rver's: object `a/b.csv` is the file
 *   `<bucket>/a/b.csv._S3rver_object` beside `….md5` and `…_metadata.json`.
 * - Layout 2 kept a record file `objects/<h2>/<h>.json` per object instead of the index log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  appendFile,
  mkdir,
  readdir,
  readFile,
  link,
  rm,
  rmdir,
  stat,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import {
  INDEX_FILE,
  LAYOUT_FILE,
  LAYOUT_VERSION,
  OBJECTS_DIR,
  indexLine,
  isBucketName,
  keyHash,
  objectDir,
  type ObjectRecord,
} from './s3Layout.js';
import type { WriteRecord } from './writeRecord.js';

const OLD_SUFFIX = '._S3rver_object';
const OLD_SKIP = /^\._S3rver_(uploads|tmp)$/;
/** s3rver's headers that an object keeps. */
const KEPT = new Set([
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-type',
  'expires',
  'x-amz-storage-class',
  'x-amz-website-redirect-location',
]);

/** Migrate `dataDir` to the current layout if it holds an older one; returns objects moved. */
export async function migrateLayout(dataDir: string): Promise<number> {
  const marker = path.join(dataDir, LAYOUT_FILE);
  let version = 1;
  try {
    ({ version } = JSON.parse(await readFile(marker, 'utf8')) as { version: number });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (version === LAYOUT_VERSION) return 0;
  if (version > LAYOUT_VERSION)
    throw new Error(
      `${dataDir} holds S3 layout ${version}, newer than this code's ${LAYOUT_VERSION}`,
    );
  let moved = 0;
  const entries = await readdir(dataDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !isBucketName(entry.name)) continue;
    moved +=
      version === 1
        ? await migrateBucket(dataDir, entry.name)
        : await indexRecordFiles(dataDir, entry.name);
  }
  await writeFile(marker, JSON.stringify({ version: LAYOUT_VERSION }));
  return moved;
}

async function migrateBucket(dataDir: string, bucket: string): Promise<number> {
  const root = path.join(dataDir, bucket);
  let moved = 0;
  const walk = async (dir: string, keyDir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const keyPath = keyDir ? `${keyDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (OLD_SKIP.test(entry.name)) {
          await rm(full, { recursive: true, force: true });
          continue;
        }
        if (!keyDir && entry.name === OBJECTS_DIR && (await isNewLayout(full))) continue;
        await walk(full, keyPath);
        await rmdir(full).catch(() => undefined); // only when emptied
      } else if (entry.name.endsWith(OLD_SUFFIX)) {
        await migrateObject(dataDir, bucket, keyPath.slice(0, -OLD_SUFFIX.length), full);
        moved++;
      }
    }
  };
  await walk(root, '');
  return moved;
}

/** `objects/` of layout 2 holds only two-hex-digit folders. */
async function isNewLayout(dir: string): Promise<boolean> {
  const names = await readdir(dir);
  return names.every((n) => /^[0-9a-f]{2}$/.test(n));
}

async function migrateObject(
  dataDir: string,
  bucket: string,
  key: string,
  file: string,
): Promise<void> {
  const md5File = `${file}.md5`;
  const metaFile = file.replace(/_object$/, '_metadata.json');
  const stored = (await readJson(metaFile)) ?? {};
  const etag = (await readFile(md5File, 'utf8').catch(() => undefined)) ?? (await md5Of(file));
  const { size, mtime } = await stat(file);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(stored)) {
    if (KEPT.has(name) || name.startsWith('x-amz-meta-')) headers[name] = String(value);
  }
  const write = parseWrite(stored['x-lake-write']);
  const hash = keyHash(key);
  const dir = objectDir(dataDir, bucket, key);
  const record: ObjectRecord = {
    key,
    size,
    etag: etag.trim(),
    lastModified: write?.time ?? mtime.toISOString(),
    data: `${hash}.${randomBytes(6).toString('hex')}.data`,
    headers,
    ...(write ? { write } : {}),
  };
  await mkdir(dir, { recursive: true });
  // Link, index, then unlink: a crash at any step leaves the object in one layout or the other.
  await link(file, path.join(dir, record.data));
  await appendFile(path.join(dataDir, bucket, INDEX_FILE), indexLine({ k: key, r: record }));
  await rm(file, { force: true });
  await rm(md5File, { force: true });
  await rm(metaFile, { force: true });
}

/** Layout 2 → 3: each record file becomes a line of the bucket's index log. */
async function indexRecordFiles(dataDir: string, bucket: string): Promise<number> {
  const root = path.join(dataDir, bucket, OBJECTS_DIR);
  let moved = 0;
  for (const sub of await readdir(root).catch(() => [] as string[])) {
    for (const name of await readdir(path.join(root, sub)).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{64}\.json$/.test(name)) continue;
      const file = path.join(root, sub, name);
      const record = (await readJson(file)) as ObjectRecord | undefined;
      if (record?.key !== undefined) {
        await appendFile(
          path.join(dataDir, bucket, INDEX_FILE),
          indexLine({ k: record.key, r: record }),
        );
        moved++;
      }
      await rm(file, { force: true });
    }
  }
  return moved;
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function parseWrite(raw: unknown): WriteRecord | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const w = JSON.parse(raw) as Partial<WriteRecord>;
    return typeof w.sequencer === 'string' && typeof w.time === 'string'
      ? (w as WriteRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

async function md5Of(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
