import type { Contract, PartitionGrain } from '../contract/types.js';
import { partitioningOf } from '../contract/partitioning.js';
import { MS_PER_DAY } from '../clean/isoTime.js';

/** A Hive partition, always UTC: `date=YYYY-MM-DD/hour=HH` at hour grain, `date=YYYY-MM-DD` at day grain. */
export interface Partition {
  date: string;
  /** `HH`; absent at day grain. */
  hour?: string;
}

const MS_PER_HOUR = 3_600_000;
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

/** Partition of an instant (ms since epoch, UTC) at `grain` (default hour). */
export function partitionOfMs(ms: number, grain: PartitionGrain = 'hour'): Partition {
  const days = Math.floor(ms / MS_PER_DAY);
  if (grain === 'day') return { date: dayName(days) };
  const hour = Math.floor((ms - days * MS_PER_DAY) / MS_PER_HOUR);
  const hh = hour < 10 ? `0${hour}` : String(hour);
  assertSafe(hh, SAFE_HOUR);
  return { date: dayName(days), hour: hh };
}

/** Day-grain partition of a day number (days since epoch). */
export function partitionOfDays(days: number): Partition {
  return { date: dayName(days) };
}

/** Partition of a partition number (hours or days since epoch, per `grain`; see `partitionKeyer`). */
export function partitionOfKey(key: number, grain: PartitionGrain): Partition {
  return grain === 'day' ? partitionOfDays(key) : partitionOfMs(key * MS_PER_HOUR);
}

/**
 * How to place a contract's rows, as a number: grain units since epoch (hours, or days at day
 * grain) of the partition column's coerced value (null when that value is null), or of
 * `ingestedAt` for ingestion time. A number lets a hot loop key partitions without an object or a
 * string per row; `partitionOfKey` turns it into a `Partition`.
 */
export function partitionKeyer(
  contract: Contract,
  ingestedAt: Date,
): (values: unknown[]) => number | null {
  const { column, grain } = partitioningOf(contract);
  const unit = grain === 'day' ? MS_PER_DAY : MS_PER_HOUR;
  if (column === undefined) {
    const fixed = Math.floor(ingestedAt.getTime() / unit);
    return () => fixed;
  }
  const index = contract.columns.findIndex((c) => c.name === column);
  if (index < 0) throw new Error(`partition column "${column}" is not a column of the contract`);
  if (contract.columns[index]!.type === 'date') {
    // The contract refuses a date column at hour grain, so a day number is the key.
    return (values) => {
      const v = values[index];
      return typeof v === 'number' ? v : null;
    };
  }
  return (values) => {
    const v = values[index];
    return typeof v === 'number' ? Math.floor(v / unit) : null;
  };
}

/** Like `partitionKeyer`, but gives the `Partition` itself (for callers outside hot loops). */
export function partitioner(
  contract: Contract,
  ingestedAt: Date,
): (values: unknown[]) => Partition | null {
  const keyOf = partitionKeyer(contract, ingestedAt);
  const { grain } = partitioningOf(contract);
  return (values) => {
    const key = keyOf(values);
    return key === null ? null : partitionOfKey(key, grain);
  };
}

/** Hive order of partitions: by date, then hour. */
export function comparePartitions(a: Partition, b: Partition): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  const ha = a.hour ?? '';
  const hb = b.hour ?? '';
  return ha < hb ? -1 : ha > hb ? 1 : 0;
}

/** `date=YYYY-MM-DD/hour=HH/` or, at day grain, `date=YYYY-MM-DD/`: the key segment of a partition. */
export function partitionSegment(partition: Partition): string {
  return partition.hour === undefined
    ? `date=${partition.date}/`
    : `date=${partition.date}/hour=${partition.hour}/`;
}

/** A stable name of a partition for maps and messages: `YYYY-MM-DD` or `YYYY-MM-DD/HH`. */
export function partitionName(partition: Partition): string {
  return partition.hour === undefined ? partition.date : `${partition.date}/${partition.hour}`;
}
