import type { Contract } from '../contract/types.js';
import type { RowIssue } from './types.js';

/**
 * Remembers the primary keys of curated rows within one chunk. The first clean occurrence of a
 * key is kept; a later row with the same key is rejected, naming the row that kept it.
 */
export class DuplicateKeys {
  private readonly seen = new Map<unknown, number>();
  private readonly indexes: number[];
  private readonly names: string[];

  constructor(contract: Contract) {
    this.names = contract.primaryKey ?? [];
    this.indexes = this.names.map((n) => contract.columns.findIndex((c) => c.name === n));
  }

  /**
   * The row's key, or undefined when the contract has no key or a key value is null. A one-column
   * key is the value itself (an id as a number, not a string made per row: a bigint column's
   * value is a number up to 15 digits and a bigint beyond, so one integer has one form); a key
   * of several columns is their text joined.
   */
  keyOf(values: unknown[]): unknown {
    const indexes = this.indexes;
    if (indexes.length === 0) return undefined;
    if (indexes.length === 1) {
      const v = values[indexes[0]!];
      return v === null ? undefined : v;
    }
    let key = '';
    for (const i of indexes) {
      const v = values[i];
      if (v === null || v === undefined) return undefined;
      key += `${String(v)}\u0001`;
    }
    return key;
  }

  /** The issue when `key` was already kept by an earlier row, else null. */
  check(key: unknown): RowIssue | null {
    const first = this.seen.get(key);
    if (first === undefined) return null;
    return {
      code: 'duplicate_key',
      column: this.names.join(','),
      message: `duplicate key (${this.names.join(', ')}); first seen in row ${first}`,
    };
  }

  /** Record that the row `rowNumber` kept `key`. */
  remember(key: unknown, rowNumber: number): void {
    this.seen.set(key, rowNumber);
  }
}
