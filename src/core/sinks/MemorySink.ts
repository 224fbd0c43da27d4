import type { ObjectSink } from '../ports.js';
import { assertSafeKey } from './LocalFolderSink.js';

/** Keeps objects in a map: for tests. */
export class MemorySink implements ObjectSink {
  readonly objects = new Map<string, { body: Uint8Array; contentType: string | undefined }>();

  /** Store a copy of `body` under `key`. */
  async put(key: string, body: Uint8Array, contentType?: string): Promise<void> {
    assertSafeKey(key);
    this.objects.set(key, { body: body.slice(), contentType });
  }

  /** Stored keys, sorted. */
  keys(): string[] {
    return [...this.objects.keys()].sort();
  }
}
