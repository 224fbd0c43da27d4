/** Precision and scale of a `decimal(p,s)` type name, or undefined when it is not one. */
export function decimalParts(type: string): { precision: number; scale: number } | undefined {
  const m = /^decimal\((\d+),(\d+)\)$/.exec(type);
  if (!m) return undefined;
  return { precision: Number(m[1]), scale: Number(m[2]) };
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Why a decimal text was refused: not a number, or too many digits for the precision/scale. */
export type DecimalFailure = 'type' | 'range' | 'scale';

/**
 * Parse decimal text exactly into its unscaled bigint (`12.30` at scale 2 → 1230n), with no float
 * on the way. Extra fraction digits are refused unless they are zeros.
 */
export function parseDecimal(
  text: string,
  precision: number,
  scale: number,
): bigint | DecimalFailure {
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return 'type';
  let intPart = m[2]!;
  let frac = m[3] ?? '';
  if (intPart.length === 0 && frac.length === 0) return 'type';
  if (frac.length > scale) {
    frac = frac.replace(/0+$/, '');
    if (frac.length > scale) return 'scale';
  }
  intPart = intPart.replace(/^0+/, '');
  if (intPart.length > precision - scale) return 'range';
  const digits = intPart + frac.padEnd(scale, '0');
  const v = digits.length === 0 ? 0n : BigInt(digits);
  return m[1] === '-' ? -v : v;
}

/** Text of an unscaled decimal (`1230n`, scale 2 → `12.30`). */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg ? `-${text}` : text;
}
