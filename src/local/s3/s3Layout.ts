/**
 * Where s3rver keeps objects on disk, so the query engine can read curated Parquet in place:
 * object `a/b/c.parquet` of bucket `B` is the file `<dir>/B/a/b/c.parquet._S3rver_object`, next to
 * `…._S3rver_object.md5` and `…._S3rver_metadata.json` sidecars (never data). Multipart parts and
 * in-flight writes live in `._S3rver_uploads` / `._S3rver_tmp` folders, skipped here.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Suffix s3rver appends to the file holding an object's bytes. */
export const OBJECT_FILE_SUFFIX = '._S3rver_object';

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

/** Parse `s3://bucket/prefix` (also `s3a://`); throws on anything else. */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`Not an s3:// location: "${uri}"`);
  return { bucket: match[1]!, prefix: match[2]! };
}

/** The local file holding the bytes of `bucket/key` in an s3rver data folder. */
export function objectFilePath(dataDir: string, bucket: string, key: string): string {
  const parts = key.split('/');
  const base = parts.pop()!;
  return path.join(dataDir, bucket, ...parts, `${base}${OBJECT_FILE_SUFFIX}`);
}

/** Every object under `prefix` of `bucket` (recursively), sorted by key; [] when none. */
export async function listObjectFiles(
  dataDir: string,
  bucket: string,
  prefix: string,
): Promise<LocalObjectFile[]> {
  const bucketDir = path.join(dataDir, bucket);
  const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
  const out: LocalObjectFile[] = [];
  await walk(path.join(bucketDir, ...dirPart.split('/').filter(Boolean)), dirPart, prefix, out);
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function walk(
  dir: string,
  keyDir: string,
  prefix: string,
  out: LocalObjectFile[],
): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const entry of entries) {
    const keyPath = keyDir ? `${keyDir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name.startsWith('._S3rver_')) continue;
      if (!(`${keyPath}/`.startsWith(prefix) || prefix.startsWith(`${keyPath}/`))) continue;
      await walk(path.join(dir, entry.name), keyPath, prefix, out);
    } else if (entry.name.endsWith(OBJECT_FILE_SUFFIX)) {
      const key = keyPath.slice(0, -OBJECT_FILE_SUFFIX.length);
      if (key.startsWith(prefix)) out.push({ key, file: path.join(dir, entry.name) });
    }
  }
}
