import type { ObjectSink } from '../ports.js';

/**
 * Puts to a sink that run while the transform goes on reading rows, at most `limit` at once: an
 * S3 PUT's latency (tens of ms a file) then overlaps the next file's encoding instead of adding
 * up. Bounded, so at most `limit` encoded files wait in memory. A failed put fails the next
 * `add` or `drain`.
 */
export class PutQueue {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly sink: ObjectSink,
    private readonly limit = 4,
  ) {}

  /** Start a put, first waiting for room. */
  async add(key: string, body: Uint8Array, contentType: string): Promise<void> {
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    this.rethrow();
    const put: Promise<void> = this.sink.put(key, body, contentType).then(
      () => void this.inFlight.delete(put),
      (error: unknown) => {
        this.inFlight.delete(put);
        this.failure ??= { error };
      },
    );
    this.inFlight.add(put);
  }

  /** Wait for every put started; throws the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    this.rethrow();
  }

  private rethrow(): void {
    if (this.failure) throw this.failure.error;
  }
}
