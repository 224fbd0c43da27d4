/**
 * What the transform asks of a field's UTF-8 bytes without making a JS string of it: where it
 * starts and ends once trimmed exactly as `String.prototype.trim` trims, and its length in UTF-16
 * units (what `string.length` says).
 */

const decoder = new TextDecoder();

/** The text of `bytes[start … end)`. */
export function decodeRange(bytes: Uint8Array, start: number, end: number): string {
  return decoder.decode(bytes.subarray(start, end));
}

/** ASCII white space of `trim`: tab, LF, VT, FF, CR, space. */
function isAsciiSpace(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

/**
 * Length in bytes of a non-ASCII white-space character of `trim` starting at `i`, else 0:
 * U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF.
 */
function unicodeSpaceAt(b: Uint8Array, i: number, end: number): number {
  const c0 = b[i]!;
  if (c0 === 0xc2) return i + 1 < end && b[i + 1] === 0xa0 ? 2 : 0;
  if (i + 2 >= end) return 0;
  const c1 = b[i + 1]!;
  const c2 = b[i + 2]!;
  if (c0 === 0xe1) return c1 === 0x9a && c2 === 0x80 ? 3 : 0;
  if (c0 === 0xe2) {
    if (c1 === 0x80) return c2 <= 0x8a || c2 === 0xa8 || c2 === 0xa9 || c2 === 0xaf ? 3 : 0;
    return c1 === 0x81 && c2 === 0x9f ? 3 : 0;
  }
  if (c0 === 0xe3) return c1 === 0x80 && c2 === 0x80 ? 3 : 0;
  if (c0 === 0xef) return c1 === 0xbb && c2 === 0xbf ? 3 : 0;
  return 0;
}

/** The first index of `bytes[start … end)` that `trim` keeps (or `end`). */
export function trimStart(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      if (!isAsciiSpace(b)) return i;
      i++;
      continue;
    }
    const n = unicodeSpaceAt(bytes, i, end);
    if (n === 0) return i;
    i += n;
  }
  return i;
}

/** The end of `bytes[start … end)` once `trim` has cut its trailing white space. */
export function trimEnd(bytes: Uint8Array, start: number, end: number): number {
  let e = end;
  while (e > start) {
    const b = bytes[e - 1]!;
    if (b < 0x80) {
      if (!isAsciiSpace(b)) return e;
      e--;
      continue;
    }
    // The last character starts at the nearest byte that is not a continuation byte.
    let s = e - 1;
    while (s > start && (bytes[s]! & 0xc0) === 0x80) s--;
    if (unicodeSpaceAt(bytes, s, e) !== e - s) return e;
    e = s;
  }
  return e;
}

/** `string.length` of the text of valid UTF-8 `bytes[start … end)`. */
export function utf16Length(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1; // a 4-byte character is a surrogate pair
  }
  return n;
}
