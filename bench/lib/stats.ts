/** Median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Load average over 1, 5 and 15 minutes, as `0.42 0.51 0.60`. */
export function loadText(load: readonly number[]): string {
  return load.map((l) => l.toFixed(2)).join(' ');
}
