import { EncodingError } from './errors.js';

/**
 * Offset of the first invalid UTF-8 sequence in `bytes`, or -1. A sequence cut off by the end of
 * `bytes` counts as invalid only when `final` is set.
 */
export function findInvalidUtf8(bytes: Uint8Array, final: boolean): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return final ? i : -1;
      const c = bytes[i + k]!;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * Decode a byte stream as UTF-8 text pieces, strictly: invalid bytes raise `EncodingError` with
 * the absolute byte offset. A leading byte-order mark is dropped.
 */
export async function* decodeUtf8(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  let tail: Uint8Array = new Uint8Array(0); // last bytes of the previous piece, to locate errors across a cut
  let first = true;
  for await (const piece of body) {
    let text: string;
    try {
      text = decoder.decode(piece, { stream: true });
    } catch (cause) {
      throw encodingError(tail, piece, offset, false, cause);
    }
    tail = piece.length >= 3 ? piece.subarray(piece.length - 3) : concat(tail, piece).slice(-3);
    offset += piece.length;
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.length > 0) yield text;
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch (cause) {
    throw encodingError(tail, new Uint8Array(0), offset, true, cause);
  }
  if (rest.length > 0) yield rest;
}

/** Build the error, locating the bad sequence within the previous tail plus this piece. */
function encodingError(
  tail: Uint8Array,
  piece: Uint8Array,
  pieceOffset: number,
  final: boolean,
  cause: unknown,
): EncodingError {
  const window = concat(tail, piece);
  let start = 0;
  // Skip continuation bytes of a character that began before the window (it decoded fine).
  while (start < tail.length && (window[start]! & 0xc0) === 0x80) start++;
  const found = findInvalidUtf8(window.subarray(start), final);
  const at = found < 0 ? pieceOffset : pieceOffset - tail.length + start + found;
  return new EncodingError(`invalid UTF-8 at byte offset ${at}`, { byteOffset: at }, { cause });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
