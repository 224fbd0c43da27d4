/**
 * Whole CSV records of one block, as byte ranges of their fields in UTF-8 bytes: the transform
 * reads typed values straight from the bytes, so most fields never become JS strings.
 *
 * A block and its arrays are valid only until the next block is asked for (the reader reuses
 * them). The arrays may be longer than what is used.
 */
export interface FieldBlock {
  /** UTF-8 bytes the ranges point into. Quoted fields are unescaped in place: a range never includes the quotes. */
  bytes: Uint8Array;
  /** Records in the block (blank records skipped, the header removed). */
  rows: number;
  /** The fields of record r are k = fieldStart[r] … fieldStart[r + 1] - 1 (so its length is at least rows + 1). */
  fieldStart: Int32Array;
  /** Field k is bytes[starts[k] … ends[k]). */
  starts: Int32Array;
  ends: Int32Array;
  /** Row number of record 0 (1-based, header excluded). */
  firstRowNumber: number;
}

const decoder = new TextDecoder();

/** The text of field `k` (for messages, rejected rows and the rare slow path). */
export function fieldText(block: FieldBlock, k: number): string {
  return decoder.decode(block.bytes.subarray(block.starts[k]!, block.ends[k]!));
}

/** The fields of record `r` as strings: what a string-based CSV parser returns for it. */
export function recordTexts(block: FieldBlock, r: number): string[] {
  const out: string[] = [];
  for (let k = block.fieldStart[r]!; k < block.fieldStart[r + 1]!; k++)
    out.push(fieldText(block, k));
  return out;
}
