/**
 * Whether a table may move from its catalogued definition to a new one. Shared by the Glue adapter
 * and the local catalog so both accept and refuse the same changes.
 */
import { PartitioningChangedError, SchemaConflictError } from './errors.js';
import type { GlueColumn, TableInput } from './glueTypes.js';
import {
  PARTITION_GRAIN_PARAMETER,
  PARTITION_TIME_PARAMETER,
  REQUIRED_COLUMNS_PARAMETER,
} from './tableInput.js';
import { MANIFESTS_PARAMETER, WRITE_MODE_PARAMETER } from './tableParameters.js';

/** What to do with an existing table: nothing, or replace it with `table`. */
export type TablePlan = { action: 'none' } | { action: 'update'; table: TableInput };

/**
 * Compare the catalogued table with the one a contract asks for. New nullable columns are added;
 * columns the catalogue has and the input lacks are kept (a concurrent writer on an older
 * contract must not drop what a newer one added). A changed partitioning (time or grain, as the
 * table's parameters and partition keys record it) throws `PartitioningChangedError`; changed
 * types, locations or formats, and new non-nullable columns, throw `SchemaConflictError`.
 */
export function planTableUpdate(existing: TableInput, next: TableInput): TablePlan {
  const ctx = { table: next.Name };
  if (existing.Name.toLowerCase() !== next.Name.toLowerCase()) {
    throw new SchemaConflictError(`table names differ: ${existing.Name} vs ${next.Name}`, ctx);
  }
  checkPartitioning(existing, next);
  checkWriteMode(existing, next);
  const a = existing.StorageDescriptor ?? {};
  const b = next.StorageDescriptor ?? {};
  for (const field of ['Location', 'InputFormat', 'OutputFormat'] as const) {
    if (
      a[field] !== undefined &&
      b[field] !== undefined &&
      stripSlash(a[field]) !== stripSlash(b[field])
    ) {
      throw new SchemaConflictError(
        `table ${next.Name}: ${field} would change from ${a[field]} to ${b[field]}`,
        { ...ctx, field },
      );
    }
  }
  const have = new Map((a.Columns ?? []).map((c) => [c.Name.toLowerCase(), c]));
  const required = new Set(
    (next.Parameters?.[REQUIRED_COLUMNS_PARAMETER] ?? '')
      .split(',')
      .filter(Boolean)
      .map((n) => n.toLowerCase()),
  );
  const added: GlueColumn[] = [];
  for (const col of b.Columns ?? []) {
    const old = have.get(col.Name.toLowerCase());
    if (!old) {
      if (required.has(col.Name.toLowerCase())) {
        throw new SchemaConflictError(
          `table ${next.Name}: new column ${col.Name} must be nullable (existing files have no value for it)`,
          { ...ctx, column: col.Name },
        );
      }
      added.push(col);
    } else if (normaliseType(old.Type) !== normaliseType(col.Type)) {
      throw new SchemaConflictError(
        `table ${next.Name}: column ${col.Name} would change type from ${old.Type} to ${col.Type}`,
        { ...ctx, column: col.Name },
      );
    }
  }
  // A table catalogued before partitioning was recorded adopts it (its keys matched above).
  const unrecorded = [
    PARTITION_TIME_PARAMETER,
    PARTITION_GRAIN_PARAMETER,
    WRITE_MODE_PARAMETER,
    MANIFESTS_PARAMETER,
  ].some((p) => next.Parameters?.[p] !== undefined && existing.Parameters?.[p] === undefined);
  // append and merge may trade places (checkWriteMode): the catalog records the latest.
  const modeChanged =
    next.Parameters?.[WRITE_MODE_PARAMETER] !== undefined &&
    next.Parameters[WRITE_MODE_PARAMETER] !== existing.Parameters?.[WRITE_MODE_PARAMETER];
  if (added.length === 0 && !unrecorded && !modeChanged) return { action: 'none' };
  // The input's order first (audit columns stay last), then columns only the catalogue knows.
  const nextNames = new Set((b.Columns ?? []).map((c) => c.Name.toLowerCase()));
  const kept = (a.Columns ?? []).filter((c) => !nextNames.has(c.Name.toLowerCase()));
  return {
    action: 'update',
    table: {
      ...next,
      Parameters: { ...existing.Parameters, ...next.Parameters },
      StorageDescriptor: { ...b, Columns: [...(b.Columns ?? []), ...kept] },
    },
  };
}

/**
 * `append` and `merge` keep one manifest per uploaded key, `replace` one per table: moving into or
 * out of `replace` would leave manifests of the other kind naming rows, so it is refused.
 */
function checkWriteMode(existing: TableInput, next: TableInput): void {
  const was = existing.Parameters?.[WRITE_MODE_PARAMETER];
  const will = next.Parameters?.[WRITE_MODE_PARAMETER];
  if (!was || !will || was === will || (was !== 'replace' && will !== 'replace')) return;
  const dataset = next.Parameters?.['lake.dataset'] ?? next.Name;
  throw new SchemaConflictError(
    `table ${next.Name}: writeMode would change from ${was} to ${will}; keep "${was}" in schemas/${dataset}.json, or load the data under a new dataset name`,
    { table: next.Name, field: 'writeMode' },
  );
}

/** Refuse a change of partition time or grain: the existing files lie by the old layout. */
function checkPartitioning(existing: TableInput, next: TableInput): void {
  const was = existing.Parameters ?? {};
  const will = next.Parameters ?? {};
  const what = `table ${next.Name}`;
  const dataset = will['lake.dataset'] ?? next.Name;
  const advice = `its files are laid out by the old one. Keep the old partitioning in schemas/${dataset}.json, or re-lay the data: delete the table and its curated files, then run lake reprocess ${dataset}`;
  const fields = [
    ['partitioning.time', PARTITION_TIME_PARAMETER],
    ['partitioning.grain', PARTITION_GRAIN_PARAMETER],
  ] as const;
  for (const [field, parameter] of fields) {
    const a = was[parameter];
    const b = will[parameter];
    if (a !== undefined && b !== undefined && a !== b) {
      throw new PartitioningChangedError(
        `${what}: the contract's ${field} would change from "${a}" to "${b}"; ${advice}`,
        { table: next.Name, field, from: a, to: b },
      );
    }
  }
  const keys = (t: TableInput) =>
    (t.PartitionKeys ?? []).map((c) => `${c.Name.toLowerCase()}:${c.Type.toLowerCase()}`).join(',');
  if (keys(existing) !== keys(next)) {
    throw new PartitioningChangedError(
      `${what}: partition keys would change from (${keys(existing)}) to (${keys(next)}), so the contract's partitioning.grain changed; ${advice}`,
      { table: next.Name, field: 'partitioning.grain' },
    );
  }
}

function normaliseType(type: string): string {
  return type.toLowerCase().replace(/\s+/g, '');
}

function stripSlash(s: string): string {
  return s.replace(/\/+$/, '');
}
