import { mkdir, writeFile, rename } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { ObjectSink } from '../ports.js';
import { TerminalError } from '../errors.js';

/** An object key that could escape the sink's folder (absolute, `..`, backslashes, empty). */
export class UnsafeKeyError extends TerminalError {
  override name = 'UnsafeKeyError';
}

/** Throws `UnsafeKeyError` unless `key` is a plain relative key. */
export function assertSafeKey(key: string): void {
  const parts = key.split('/');
  if (
    key.length === 0 ||
    isAbsolute(key) ||
    key.includes('\\') ||
    key.includes('\0') ||
    parts.some((p) => p === '..' || p === '.' || p === '')
  ) {
    throw new UnsafeKeyError(`unsafe object key ${JSON.stringify(key)}`, { key });
  }
}

/** Writes objects as files under a folder (the key's slashes become sub-folders). */
export class LocalFolderSink implements ObjectSink {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** Write atomically (temp file, then rename) so a reader never sees half a file. */
  async put(key: string, body: Uint8Array): Promise<void> {
    assertSafeKey(key);
    const path = join(this.dir, ...key.split('/'));
    if (!path.startsWith(this.dir + sep))
      throw new UnsafeKeyError(`key escapes the folder: ${key}`, { key });
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, body);
    await rename(tmp, path);
  }
}
