/**
 * Long lists made readable: a run can touch thousands of partitions and files, and a terminal
 * that prints them all hides everything else. Beyond a few, a count with the first and the last;
 * the full list only when asked (`--all-partitions`).
 */

/** Up to this many items are listed in full. */
export const FEW = 3;

/** The flag that lists every partition and file. */
export const ALL_PARTITIONS_FLAG = '--all-partitions';

/** A partition as run summaries carry it. */
export interface PartitionLike {
  table?: string;
  date?: string;
  hour?: string;
  rows?: number;
}

/** `users/date=2024-03-01/hour=07 (12 rows)`: the table, the Hive segments and the row count. */
export function partitionLabel(p: PartitionLike): string {
  const where = [
    p.table,
    p.date === undefined ? undefined : `date=${p.date}`,
    p.hour === undefined ? undefined : `hour=${p.hour}`,
  ]
    .filter((s) => s !== undefined)
    .join('/');
  return p.rows === undefined ? where : `${where} (${p.rows} row${p.rows === 1 ? '' : 's'})`;
}

/**
 * One line: `N <noun>s: a, b, c` for a few, else `N <noun>s, first a, last b (--all-partitions
 * lists them)`. With `all`, every item follows, one per line, indented.
 */
export function describeList(items: string[], noun: string, all = false): string[] {
  const n = items.length;
  const counted = `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
  if (n === 0) return [counted];
  if (all) return [`${counted}:`, ...items.map((i) => `  ${i}`)];
  if (n <= FEW) return [`${counted}: ${items.join(', ')}`];
  return [
    `${counted}, first ${items[0]}, last ${items[n - 1]} (${ALL_PARTITIONS_FLAG} lists them)`,
  ];
}

/** `describeList` of partitions, labelled with `partitionLabel`. */
export function describePartitions(partitions: PartitionLike[], all = false): string[] {
  return describeList(partitions.map(partitionLabel), 'partition', all);
}

/**
 * A run summary (or any execution output) for printing: its `partitions` and `files` arrays,
 * when longer than a few, become one line each (see `describeList`). Other fields stay as they are.
 */
export function compactOutput(output: unknown, all = false): unknown {
  if (all || typeof output !== 'object' || output === null || Array.isArray(output)) return output;
  const o = output as Record<string, unknown>;
  const out: Record<string, unknown> = { ...o };
  if (Array.isArray(o.partitions) && o.partitions.length > FEW)
    out.partitions = describePartitions(o.partitions as PartitionLike[])[0];
  if (Array.isArray(o.files) && o.files.length > FEW)
    out.files = describeList(o.files.map(String), 'file')[0];
  return out;
}
