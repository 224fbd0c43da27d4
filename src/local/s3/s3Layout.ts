/**
 * How the twin's S3 endpoint keeps objects on disk, so the query engine can read curated Parquet
 * in place. A key is never a path: object `K` of bucket `B` is described by
 * `<dir>/B/objects/<h[0..2]>/<h>.json` (h = hex SHA-256 of K's UTF-8), which holds the key
 * verbatim, its ETag, size, times, headers and the name of the file in the same folder with its
 * bytes. That JSON is the commit point of a write (replaced by rename): its data file is whole.
 * `uploads/` holds multipart parts, `tmp/` in-flight writes, `config/` bucket configurations.
 * Layout version 1 was s3rver's (keys as paths); `migrateLayout.ts` converts it on start.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { WriteRecord } from './writeRecord.js';

/** The layout this code writes; `layout.json` in the data folder names the one on disk. */
export const LAYOUT_VERSION = 2;
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

/** S3's bucket naming rules (the subset that matters here: no name is a path trick). */
export function isBucketName(name: string): boolean {
  return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !name.includes('..');
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

/** The record file of `key`. */
export function recordPath(dataDir: string, bucket: string, key: string): string {
  return path.join(objectDir(dataDir, bucket, key), `${keyHash(key)}.json`);
}

/** Read a record file; undefined when it does not exist. */
export async function readRecord(file: string): Promise<ObjectRecord | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ObjectRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Every record of a bucket, unsorted (one read per object). */
export async function readAllRecords(
  dataDir: string,
  bucket: string,
): Promise<{ record: ObjectRecord; file: string }[]> {
  const root = path.join(bucketDir(dataDir, bucket), OBJECTS_DIR);
  let fanout: string[];
  try {
    fanout = await readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: { record: ObjectRecord; file: string }[] = [];
  await Promise.all(
    fanout.map(async (sub) => {
      const dir = path.join(root, sub);
      const names = (await readdir(dir).catch(() => [] as string[])).filter((n) =>
        /^[0-9a-f]{64}\.json$/.test(n),
      );
      for (const name of names) {
        const record = await readRecord(path.join(dir, name));
        if (record) out.push({ record, file: path.join(dir, record.data) });
      }
    }),
  );
  return out;
}

/** The local file holding the bytes of `bucket/key`; undefined when there is no such object. */
export async function objectFilePath(
  dataDir: string,
  bucket: string,
  key: string,
): Promise<string | undefined> {
  const record = await readRecord(recordPath(dataDir, bucket, key));
  return record ? path.join(objectDir(dataDir, bucket, key), record.data) : undefined;
}

/** Every object under `prefix` of `bucket`, sorted by key (S3 order); [] when none. */
export async function listObjectFiles(
  dataDir: string,
  bucket: string,
  prefix: string,
): Promise<LocalObjectFile[]> {
  if (!isBucketName(bucket)) return [];
  const all = await readAllRecords(dataDir, bucket);
  return all
    .filter(({ record }) => record.key.startsWith(prefix))
    .map(({ record, file }) => ({ key: record.key, file }))
    .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
}
