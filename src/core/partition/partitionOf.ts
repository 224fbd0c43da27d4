import type { Contract } from '../contract/types.js';
import { MS_PER_DAY } from '../clean/isoTime.js';

/** A Hive partition: `date=YYYY-MM-DD/hour=HH`, always UTC. */
export interface Partition {
  date: string;
  hour: string;
}

const SAFE_DATE = /^\d{4}-\d{2}-\d{2}$/;
const SAFE_HOUR = /^\d{2}$/;
const dayNames = new Map<number, string>();

/** `YYYY-MM-DD` of a day number, cached (a file touches few days). */
function dayName(days: number): string {
  let name = dayNames.get(days);
  if (name === undefined) {
    name = new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
    assertSafe(name, SAFE_DATE);
    if (dayNames.size > 100_000) dayNames.clear();
    dayNames.set(days, name);
  }
  return name;
}

/** Throws unless a partition value is plain digits and dashes: data never shapes a key otherwise. */
function assertSafe(value: string, shape: RegExp): void {
  if (!shape.test(value)) throw new Error(`unsafe partition value ${JSON.stringify(value)}`);
}

/** Partition of an instant (ms since epoch, UTC). */
export function partitionOfMs(ms: number): Partition {
  const days = Math.floor(ms / MS_PER_DAY);
  const hour = Math.floor((ms - days * MS_PER_DAY) / 3_600_000);
  const hh = hour < 10 ? `0${hour}` : String(hour);
  assertSafe(hh, SAFE_HOUR);
  return { date: dayName(days), hour: hh };
}

/** Partition of a day number (days since epoch); hour `00`. */
export function partitionOfDays(days: number): Partition {
  return { date: dayName(days), hour: '00' };
}

const MS_PER_HOUR = 3_600_000;

/** Partition of an hour number (hours since epoch, UTC). */
export function partitionOfHour(hour: number): Partition {
  return partitionOfMs(hour * MS_PER_HOUR);
}

/**
 * Like `partitioner`, but gives the partition as a number (hours since epoch; a date column gives
 * its day's hour 0) so a hot loop keys partitions without an object or a string per row. Turn it
 * into a `Partition` with `partitionOfHour`.
 */
export function hourPartitioner(
  contract: Contract,
  ingestedAt: Date,
): (values: unknown[]) => number | null {
  if (!contract.partitionBy) {
    const fixed = Math.floor(ingestedAt.getTime() / MS_PER_HOUR);
    return () => fixed;
  }
  const index = contract.columns.findIndex((c) => c.name === contract.partitionBy);
  const column = contract.columns[index]!;
  if (column.type === 'date') {
    return (values) => {
      const v = values[index];
      return typeof v === 'number' ? v * 24 : null;
    };
  }
  return (values) => {
    const v = values[index];
    return typeof v === 'number' ? Math.floor(v / MS_PER_HOUR) : null;
  };
}

/**
 * Returns how to partition a contract's rows: from the `partitionBy` column's coerced value
 * (null when that value is null), or from `ingestedAt` when the contract names no column.
 */
export function partitioner(
  contract: Contract,
  ingestedAt: Date,
): (values: unknown[]) => Partition | null {
  if (!contract.partitionBy) {
    const fixed = partitionOfMs(ingestedAt.getTime());
    return () => fixed;
  }
  const index = contract.columns.findIndex((c) => c.name === contract.partitionBy);
  const column = contract.columns[index]!;
  if (column.type === 'date') {
    return (values) => {
      const v = values[index];
      return typeof v === 'number' ? partitionOfDays(v) : null;
    };
  }
  return (values) => {
    const v = values[index];
    return typeof v === 'number' ? partitionOfMs(v) : null;
  };
}
