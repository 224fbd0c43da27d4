/**
 * S3 orders keys by their UTF-8 bytes; JavaScript compares UTF-16 code units, which differs for
 * characters beyond U+FFFF. A sorted key list kept in S3's order, with binary search.
 */

/** Compare two keys as S3 does (UTF-8 byte order). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Keys in S3 order; insert and remove keep the order. */
export class SortedKeys {
  private readonly keys: { key: string; bytes: Buffer }[] = [];

  /** Sorted keys from distinct keys in any order (one sort, not n inserts). */
  static from(keys: Iterable<string>): SortedKeys {
    const sorted = new SortedKeys();
    for (const key of keys) sorted.keys.push({ key, bytes: Buffer.from(key, 'utf8') });
    sorted.keys.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    return sorted;
  }

  get size(): number {
    return this.keys.length;
  }

  /** Index of the first key >= `key` (bytes). */
  lowerBound(key: string): number {
    const bytes = Buffer.from(key, 'utf8');
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(this.keys[mid]!.bytes, bytes) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first key > `key`. */
  upperBound(key: string): number {
    const i = this.lowerBound(key);
    return this.keys[i]?.key === key ? i + 1 : i;
  }

  at(index: number): string | undefined {
    return this.keys[index]?.key;
  }

  insert(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i]?.key !== key) this.keys.splice(i, 0, { key, bytes: Buffer.from(key, 'utf8') });
  }

  remove(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i]?.key === key) this.keys.splice(i, 1);
  }

  *all(): Iterable<string> {
    for (const k of this.keys) yield k.key;
  }
}
