/**
 * Per-object mutual exclusion inside the endpoint: a conditional write checks the current object
 * and replaces it as one step, so two writers of one key never both see "absent".
 */

/** Serialises work per `bucket/key`; several keys are taken in one sorted order (no deadlock). */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Run `fn` while holding the lock of every `bucket/key` named. */
  async run<T>(objects: { bucket: string; key: string }[], fn: () => Promise<T>): Promise<T> {
    const names = [...new Set(objects.map((o) => `${o.bucket}\0${o.key}`))].sort();
    const releases: (() => void)[] = [];
    try {
      for (const name of names) releases.push(await this.acquire(name));
      return await fn();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  /** How many keys have a holder or a waiter (for tests: 0 when idle). */
  get size(): number {
    return this.tails.size;
  }

  private async acquire(name: string): Promise<() => void> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(name, tail);
    await previous;
    return () => {
      release();
      // The last holder leaves no entry behind.
      if (this.tails.get(name) === tail) this.tails.delete(name);
    };
  }
}
