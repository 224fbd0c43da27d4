import type { Contract } from '../contract/types.js';
import type { RowIssue } from './types.js';

/**
 * Remembers the primary keys of curated rows within one chunk. The first clean occurrence of a
 * key is kept; a later row with the same key is rejected, naming the row that kept it.
 */
export class DuplicateKeys {
  private readonly seen = new Map<string, number>();
  private readonly indexes: number[];
  private readonly names: string[];

  constructor(contract: Contract) {
    this.names = contract.primaryKey ?? [];
    this.indexes = this.names.map((n) => contract.columns.findIndex((c) => c.name === n));
  }

  /** The row's key text, or undefined when the contract has no key or a key value is null. */
  keyOf(values: unknown[]): string | undefined {
    if (this.indexes.length === 0) return undefined;
    let key = '';
    for (const i of this.indexes) {
      const v = values[i];
      if (v === null || v === undefined) return undefined;
      key += `${String(v)}\u0001`;
    }
    return key;
  }

  /** The issue when `key` was already kept by an earlier row, else null. */
  check(key: string): RowIssue | null {
    const first = this.seen.get(key);
    if (first === undefined) return null;
    return {
      code: 'duplicate_key',
      column: this.names.join(','),
      message: `duplicate key (${this.names.join(', ')}); first seen in row ${first}`,
    };
  }

  /** Record that the row `rowNumber` kept `key`. */
  remember(key: string, rowNumber: number): void {
    this.seen.set(key, rowNumber);
  }
}
