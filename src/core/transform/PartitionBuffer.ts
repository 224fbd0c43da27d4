import type { Partition } from '../partition/partitionOf.js';

/** Rows of one partition held column by column until they are written as a part file. */
export class PartitionBuffer {
  readonly partition: Partition;
  /** One array per data column (audit columns are added at flush time). */
  columns: unknown[][];
  rowNumbers: number[] = [];
  /** Estimated bytes held. */
  bytes = 0;
  /** Sequence number of the next part file of this partition. */
  seq = 0;
  /** Rows written or held over the buffer's life. */
  totalRows = 0;

  constructor(partition: Partition, width: number) {
    this.partition = partition;
    this.columns = Array.from({ length: width }, () => []);
  }

  /** Add one row of `width` values. */
  push(values: readonly unknown[], rowNumber: number, bytes: number): void {
    const cols = this.columns;
    for (let i = 0; i < cols.length; i++) cols[i]!.push(values[i]);
    this.rowNumbers.push(rowNumber);
    this.bytes += bytes;
    this.totalRows++;
  }

  /** Rows held now. */
  get rows(): number {
    return this.rowNumbers.length;
  }

  /** Hand over the held rows and start empty again. */
  take(): { columns: unknown[][]; rowNumbers: number[] } {
    const out = { columns: this.columns, rowNumbers: this.rowNumbers };
    this.columns = this.columns.map(() => []);
    this.rowNumbers = [];
    this.bytes = 0;
    return out;
  }
}
