/** Runs async writes one after another, so a store never sees them interleaved or reordered. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown;

  /** Queues a write; a failure is kept and rethrown by `drain`. */
  push(write: () => Promise<void>): void {
    this.tail = this.tail.then(write).catch((err: unknown) => {
      this.failure ??= err;
    });
  }

  /** Waits for every queued write. */
  async drain(): Promise<void> {
    await this.tail;
    if (this.failure) {
      const err = this.failure;
      this.failure = undefined;
      throw err;
    }
  }
}
