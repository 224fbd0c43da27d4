import type { ColumnType } from '../contract/types.js';
import type { Partition } from '../partition/partitionOf.js';
import { columnStore } from './columnStore.js';
import type { ColumnStore, StringHint } from './columnStore.js';

const ROW_NUMBER_BYTES = 8;
const NO_SPANS = new Int32Array(0);

/**
 * Rows of one partition held column by column (in typed memory, see `columnStore`) until they are
 * written as a part file. `bytes` is what the stores have allocated, so a memory budget over it
 * bounds the real heap the held rows take.
 */
export class PartitionBuffer {
  readonly partition: Partition;
  private readonly types: readonly ColumnType[];
  private readonly hints: readonly StringHint[];
  private stores: ColumnStore[];
  private rowNumbers: number[] = [];
  /** Sequence number of the next part file of this partition. */
  seq = 0;
  /** Rows written or held over the buffer's life. */
  totalRows = 0;

  /**
   * @param types the contract type of each data column (audit columns are added at flush time)
   * @param hints one per column, shared by the buffers of one run (see `StringHint`)
   */
  constructor(
    partition: Partition,
    types: readonly ColumnType[],
    hints: readonly StringHint[] = stringHints(types.length),
  ) {
    this.partition = partition;
    this.types = types;
    this.hints = hints;
    this.stores = this.freshStores();
  }

  private freshStores(): ColumnStore[] {
    return this.types.map((t, i) => columnStore(t, this.hints[i]));
  }

  /**
   * Add one row: one value per column, of the column's JS type, or null, or `IN_BLOCK` for a
   * string whose UTF-8 bytes are `bytes[spans[2i] … spans[2i + 1])`. Returns the bytes newly
   * allocated.
   */
  push(
    values: readonly unknown[],
    rowNumber: number,
    bytes?: Uint8Array,
    spans: Int32Array = NO_SPANS,
  ): number {
    const stores = this.stores;
    let added = ROW_NUMBER_BYTES;
    for (let i = 0; i < stores.length; i++)
      added += stores[i]!.push(values[i], bytes, spans[2 * i], spans[2 * i + 1]);
    this.rowNumbers.push(rowNumber);
    this.totalRows++;
    return added;
  }

  /** Rows held now. */
  get rows(): number {
    return this.rowNumbers.length;
  }

  /** Bytes held now (allocated by the column stores, plus the row numbers). */
  get bytes(): number {
    let sum = this.rowNumbers.length * ROW_NUMBER_BYTES;
    for (const s of this.stores) sum += s.bytes;
    return sum;
  }

  /** Hand over the held rows (their stores, and their row numbers) and start empty again. */
  take(): { stores: ColumnStore[]; rowNumbers: number[] } {
    const out = { stores: this.stores, rowNumbers: this.rowNumbers };
    this.stores = this.freshStores();
    this.rowNumbers = [];
    return out;
  }
}

/** Fresh string hints for `n` columns (see `StringHint`). */
export function stringHints(n: number): StringHint[] {
  return Array.from({ length: n }, () => ({ distinct: false }));
}
