/**
 * The `format: email` check over UTF-8 bytes, equal to the WHATWG pattern of `compileColumnCheck`
 * (tests/core/emailBytes.test.ts holds it to the regex on a random corpus): a local part of
 * `[A-Za-z0-9.!#$%&'*+/=?^_\`{|}~-]`, `@`, then two or more dot-separated labels of 1–63 letters,
 * digits and hyphens that neither start nor end with a hyphen.
 */

/** Bytes allowed in the local part. */
const LOCAL = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")
  LOCAL[c.charCodeAt(0)] = 1;

function isAlnum(b: number): boolean {
  return (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
}

/** Whether `b[s … e)` is an e-mail address by the pattern above. */
export function isEmailBytes(b: Uint8Array, s: number, e: number): boolean {
  let i = s;
  while (i < e && b[i]! < 128 && LOCAL[b[i]!] === 1) i++;
  if (i === s || i >= e || b[i] !== 64) return false; // @
  let labels = 0;
  let labelStart = ++i;
  for (; ; i++) {
    if (i === e || b[i] === 46) {
      const n = i - labelStart;
      if (n < 1 || n > 63 || !isAlnum(b[labelStart]!) || !isAlnum(b[i - 1]!)) return false;
      labels++;
      if (i === e) return labels >= 2;
      labelStart = i + 1;
      continue;
    }
    const c = b[i]!;
    if (c !== 45 && !isAlnum(c)) return false;
  }
}
