/** Time source of the runner: Wait, Retry and TimeoutSeconds go through it so tests never sleep. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms`. A `weak` sleep (a timeout guard) never makes a fake clock jump on its
   * own: time moves only for someone who actually waits.
   */
  sleep(ms: number, options?: { weak?: boolean; signal?: AbortSignal }): Promise<void>;
}

/** The real clock: `Date.now()` and `setTimeout`. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number, options: { weak?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      if (options.weak) timer.unref();
      options.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

interface Timer {
  due: number;
  weak: boolean;
  seq: number;
  resolve: () => void;
}

/**
 * A virtual clock for tests. With `autoAdvance` (the default) it jumps to the next timer as soon
 * as the process is idle and some strong sleep is pending, so a 1-hour Wait takes microseconds.
 */
export class FakeClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;
  private scheduled = false;
  private readonly autoAdvance: boolean;

  constructor(
    start: Date | number = Date.UTC(2024, 0, 1),
    options: { autoAdvance?: boolean } = {},
  ) {
    this.current = typeof start === 'number' ? start : start.getTime();
    this.autoAdvance = options.autoAdvance ?? true;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, options: { weak?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    return new Promise((resolve) => {
      const timer: Timer = {
        due: this.current + Math.max(0, ms),
        weak: !!options.weak,
        seq: this.seq++,
        resolve,
      };
      this.timers.push(timer);
      options.signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve();
      });
      this.schedule();
    });
  }

  /** Moves time forward by `ms`, firing every timer that falls due. */
  advance(ms: number): void {
    this.fireUntil(this.current + ms);
  }

  /** Number of sleeps not yet resolved (for tests). */
  pending(): number {
    return this.timers.length;
  }

  private fireUntil(target: number): void {
    this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
    while (this.timers.length > 0 && this.timers[0]!.due <= target) {
      const timer = this.timers.shift()!;
      this.current = Math.max(this.current, timer.due);
      timer.resolve();
    }
    this.current = Math.max(this.current, target);
  }

  private schedule(): void {
    if (!this.autoAdvance || this.scheduled) return;
    this.scheduled = true;
    // Let pending promise chains and I/O callbacks settle before jumping.
    void idle().then(() => {
      this.scheduled = false;
      const strong = this.timers.filter((t) => !t.weak);
      if (strong.length === 0) return;
      const next = Math.min(...this.timers.map((t) => t.due));
      this.fireUntil(next);
      if (this.timers.some((t) => !t.weak)) this.schedule();
    });
  }
}

async function idle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
}
