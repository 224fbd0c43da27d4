/**
 * How the twin's S3 endpoint keeps objects on disk, so the query engine can read curated Parquet
 * in place. A key is never a path. Each bucket folder `<dir>/B/` holds:
 * - `index.log`: one JSON line per write, `{"k": key, "r": record}` (a put) or `{"k": key,
 *   "d": 1}` (a delete); the last line of a key wins. Appending its line is a write's commit
 *   point; the endpoint rewrites the file compacted at start. A torn last line (a crash) is ignored.
 * - `objects/<h[0..2]>/<h>.<random>.data`: an object's bytes (h = hex SHA-256 of the key's
 *   UTF-8), complete before its line is appended; `record.data` names it.
 * - `uploads/` multipart parts, `tmp/` in-flight writes, `config/` bucket configurations.
 * Layout 1 was s3rver's (keys as paths), layout 2 a record file per object; `migrateLayout.ts`
 * converts both on start.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { WriteRecord } from './writeRecord.js';

/** The layout this code writes; `layout.json` in the data folder names the one on disk. */
export const LAYOUT_VERSION = 3;
export const INDEX_FILE = 'index.log';
export const LAYOUT_FILE = 'layout.json';
export const OBJECTS_DIR = 'objects';
export const UPLOADS_DIR = 'uploads';
export const TEMP_DIR = 'tmp';
export const CONFIG_DIR = 'config';

/** A bucket and key prefix parsed from `s3://bucket/prefix`. */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/** An object's key and the local file that holds its bytes. */
export interface LocalObjectFile {
  key: string;
  file: string;
}

/** What the endpoint stores about one object (its `.json` file). */
export interface ObjectRecord {
  key: string;
  size: number;
  /** Hex MD5, or `<hex>-<parts>` for a multipart object; no quotes. */
  etag: string;
  /** ISO-8601. */
  lastModified: string;
  /** File name (same folder) holding the bytes. */
  data: string;
  /** Stored headers: content-type, cache-control…, x-amz-meta-*. */
  headers: Record<string, string>;
  /** The write that made this version (absent for objects migrated from layout 1 without one). */
  write?: WriteRecord;
}

/**
 * Whether a name may be a bucket here: letters, digits, `.`, `_`, `-`, starting with a letter or
 * digit, no `..`. Looser than S3's rules (tests use short names), strict enough that no bucket
 * name is a path trick.
 */
export function isBucketName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name) && !name.includes('..');
}

/** Parse `s3://bucket/prefix` (also `s3a://`); throws on anything else. */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`Not an s3:// location: "${uri}"`);
  return { bucket: match[1]!, prefix: match[2]! };
}

/** Hex SHA-256 of a key. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The folder of a bucket; throws for a name that is not a bucket name. */
export function bucketDir(dataDir: string, bucket: string): string {
  if (!isBucketName(bucket)) throw new Error(`not a bucket name: "${bucket}"`);
  return path.join(dataDir, bucket);
}

/** The folder holding the record and data files of `key`. */
export function objectDir(dataDir: string, bucket: string, key: string): string {
  return path.join(bucketDir(dataDir, bucket), OBJECTS_DIR, keyHash(key).slice(0, 2));
}

/** One line of a bucket's index log. */
export type IndexLine = { k: string; r: ObjectRecord } | { k: string; d: 1 };

/** The index log line of a write. */
export function indexLine(line: IndexLine): string {
  return `${JSON.stringify(line)}\n`;
}

/**
 * Fold index log text into the live records by key; unparseable lines (a torn tail) are skipped.
 * With `prefix`, only keys starting with it (lines are filtered before they are parsed).
 */
export function foldIndex(
  text: string,
  into = new Map<string, ObjectRecord>(),
  prefix = '',
): Map<string, ObjectRecord> {
  // A line starts with `{"k":` and the key as JSON; JSON-escaping a key's prefix gives a prefix
  // of its escaped text, except for a prefix ending inside a surrogate pair.
  const head = /[\uD800-\uDBFF]$/.test(prefix)
    ? '{"k":"'
    : `{"k":${JSON.stringify(prefix).slice(0, -1)}`;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const matches = text.startsWith(head, start);
    const from = start;
    start = end + 1;
    if (!matches) continue;
    let line: IndexLine;
    try {
      line = JSON.parse(text.slice(from, end)) as IndexLine;
    } catch {
      continue;
    }
    if ('r' in line) into.set(line.k, line.r);
    else into.delete(line.k);
  }
  return into;
}

/** The live records of a bucket (with keys starting with `prefix`), read from its index log. */
export async function readIndex(
  dataDir: string,
  bucket: string,
  prefix = '',
): Promise<Map<string, ObjectRecord>> {
  try {
    const text = await readFile(path.join(bucketDir(dataDir, bucket), INDEX_FILE), 'utf8');
    return foldIndex(text, new Map(), prefix);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
}

/** The data file of a record. */
export function dataFilePath(dataDir: string, bucket: string, record: ObjectRecord): string {
  return path.join(objectDir(dataDir, bucket, record.key), record.data);
}

/** The local file holding the bytes of `bucket/key`; undefined when there is no such object. */
export async function objectFilePath(
  dataDir: string,
  bucket: string,
  key: string,
): Promise<string | undefined> {
  if (!isBucketName(bucket)) return undefined;
  const record = (await readIndex(dataDir, bucket, key)).get(key);
  return record && dataFilePath(dataDir, bucket, record);
}

/** Every object under `prefix` of `bucket`, sorted by key (S3 order); [] when none. */
export async function listObjectFiles(
  dataDir: string,
  bucket: string,
  prefix: string,
): Promise<LocalObjectFile[]> {
  if (!isBucketName(bucket)) return [];
  const out: LocalObjectFile[] = [];
  for (const [key, record] of await readIndex(dataDir, bucket, prefix)) {
    if (key.startsWith(prefix)) out.push({ key, file: dataFilePath(dataDir, bucket, record) });
  }
  return out.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
}
