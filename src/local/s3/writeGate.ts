/**
 * The endpoint's door for writes: it can be shut per bucket (a twin stopping refuses new uploads
 * with 503 before its runner stops), and it knows which writes are still in flight, so closing
 * waits for every write it let in, listeners included.
 */

/** Tracks in-flight writes per bucket and refuses new ones to shut buckets. */
export class WriteGate {
  private readonly shut = new Set<string>();
  private readonly inFlight = new Map<string, Set<Promise<unknown>>>();

  /** Whether a write to `bucket` may start now. */
  admits(bucket: string): boolean {
    return !this.shut.has(bucket);
  }

  /** Writes to `bucket` admitted and not settled. */
  inFlightCount(bucket: string): number {
    return this.inFlight.get(bucket)?.size ?? 0;
  }

  /** Count `work` as a write to `bucket` until it settles. */
  track<T>(bucket: string, work: Promise<T>): Promise<T> {
    let set = this.inFlight.get(bucket);
    if (!set) this.inFlight.set(bucket, (set = new Set()));
    set.add(work);
    const done = () => {
      set.delete(work);
      if (set.size === 0 && this.inFlight.get(bucket) === set) this.inFlight.delete(bucket);
    };
    work.then(done, done);
    return work;
  }

  /** Admit writes to `buckets` again. */
  open(buckets: string[]): void {
    for (const b of buckets) this.shut.delete(b);
  }

  /** Refuse new writes to `buckets`; resolves once the writes already admitted have settled. */
  async shutAndDrain(buckets: string[]): Promise<void> {
    for (const b of buckets) this.shut.add(b);
    for (;;) {
      const pending = buckets.flatMap((b) => [...(this.inFlight.get(b) ?? [])]);
      if (pending.length === 0) return;
      await Promise.allSettled(pending);
    }
  }
}
