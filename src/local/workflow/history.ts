import type { HistoryEventType } from '@aws-sdk/client-sfn';
import type { Clock } from './clock.js';
import type { SerialQueue } from './serialQueue.js';
import type { ExecutionStore } from './store/ExecutionStore.js';
import type { ExecutionEvent, HistoryEvent } from './types.js';

/** Event details, keyed as in GetExecutionHistory (`taskScheduledEventDetails`, …). */
export type EventDetails = Omit<HistoryEvent, 'id' | 'timestamp' | 'type' | 'previousEventId'>;

/** Writes one execution's history: ids in order, the store in order, subscribers live. */
export class HistoryRecorder {
  private lastId: number;

  constructor(
    private readonly executionArn: string,
    private readonly store: ExecutionStore,
    private readonly clock: Clock,
    private readonly queue: SerialQueue,
    private readonly publish: (event: ExecutionEvent) => void,
    lastId = 0,
  ) {
    this.lastId = lastId;
  }

  /** Records an event after `previousEventId` and returns its id. */
  emit(type: HistoryEventType, details: EventDetails = {}, previousEventId?: number): number {
    const id = ++this.lastId;
    const event: HistoryEvent = {
      timestamp: new Date(this.clock.now()),
      type,
      id,
      previousEventId: previousEventId ?? id - 1,
      ...details,
    };
    this.queue.push(() => this.store.appendEvents(this.executionArn, [event]));
    try {
      this.publish({ ...event, executionArn: this.executionArn });
    } catch {
      // A faulty subscriber must not break the execution.
    }
    return id;
  }

  /** The id of the last event written. */
  get lastEventId(): number {
    return this.lastId;
  }
}

/** History payload fields: JSON text plus the `truncated` flag AWS sets. */
export function payload(value: unknown): { text: string; details: { truncated: boolean } } {
  return { text: JSON.stringify(value ?? null), details: { truncated: false } };
}
