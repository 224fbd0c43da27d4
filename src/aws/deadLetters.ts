/**
 * The ingest rule's dead-letter queue, for `lake --stage NAME dead-letters [--replay]`: what waits
 * there (which upload, why EventBridge gave up), and replaying it, i.e. starting the execution the
 * event should have started, then deleting the message. Replays use the execution name of
 * `lake reconcile` for the same version, so a replay and a sweep never start one upload twice.
 * Written over a small queue port; the SQS adapter is the CLI's (it needs `@aws-sdk/client-sqs`).
 */
import { reconcileExecutionName } from '../pipeline/reconcile.js';

/** One message as SQS returns it. */
export interface QueueMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** EventBridge's message attributes: `ERROR_CODE`, `ERROR_MESSAGE`, `RETRY_ATTEMPTS`, `RULE_ARN`, … */
  attributes: Record<string, string>;
}

/** The queue operations needed (SQS ReceiveMessage / DeleteMessage). */
export interface DeadLetterQueue {
  /** At most 10 messages, hidden from other receivers for `visibilitySeconds` (0: stay visible). */
  receive(visibilitySeconds: number): Promise<QueueMessage[]>;
  delete(receiptHandle: string): Promise<void>;
}

/** Starts an execution; `exists` when Step Functions answers ExecutionAlreadyExists for the name. */
export type StartExecution = (name: string, input: unknown) => Promise<'started' | 'exists'>;

/** A dead letter, readable. */
export interface DeadLetter {
  messageId: string;
  bucket?: string;
  key?: string;
  etag?: string;
  versionId?: string;
  eventTime?: string;
  errorCode?: string;
  errorMessage?: string;
  retryAttempts?: number;
  /** Why it cannot be replayed, when it cannot (not an S3 Object Created event). */
  unreplayable?: string;
}

interface ObjectCreatedEvent {
  'detail-type'?: string;
  time?: string;
  detail?: {
    bucket?: { name?: string };
    object?: { key?: string; etag?: string; 'version-id'?: string; size?: number };
  };
}

/** What one message says. */
export function describeDeadLetter(message: QueueMessage): DeadLetter {
  const a = message.attributes;
  const base: DeadLetter = {
    messageId: message.messageId,
    ...(a.ERROR_CODE ? { errorCode: a.ERROR_CODE } : {}),
    ...(a.ERROR_MESSAGE ? { errorMessage: a.ERROR_MESSAGE } : {}),
    ...(a.RETRY_ATTEMPTS ? { retryAttempts: Number(a.RETRY_ATTEMPTS) } : {}),
  };
  let event: ObjectCreatedEvent;
  try {
    event = JSON.parse(message.body) as ObjectCreatedEvent;
  } catch {
    return { ...base, unreplayable: 'the body is not JSON' };
  }
  const bucket = event.detail?.bucket?.name;
  const object = event.detail?.object;
  if (event['detail-type'] !== 'Object Created' || !bucket || !object?.key)
    return { ...base, unreplayable: 'not an S3 Object Created event' };
  return {
    ...base,
    bucket,
    key: object.key,
    ...(object.etag ? { etag: object.etag } : {}),
    ...(object['version-id'] ? { versionId: object['version-id'] } : {}),
    ...(event.time ? { eventTime: event.time } : {}),
  };
}

/**
 * Every message waiting (at most `limit`), left in the queue. SQS has no peek: each receive hides
 * what it returns for `visibilitySeconds`, so the next receive brings new ones; they are visible
 * again once that passes.
 */
export async function listDeadLetters(
  queue: DeadLetterQueue,
  opts: { visibilitySeconds?: number; limit?: number } = {},
): Promise<DeadLetter[]> {
  const limit = opts.limit ?? 1000;
  const seen = new Map<string, DeadLetter>();
  for (let round = 0; seen.size < limit && round < limit; round++) {
    const batch = await queue.receive(opts.visibilitySeconds ?? 30);
    const fresh = batch.filter((m) => !seen.has(m.messageId));
    if (fresh.length === 0) break;
    for (const m of fresh) seen.set(m.messageId, describeDeadLetter(m));
  }
  return [...seen.values()].slice(0, limit);
}

/** What a replay did with each message. */
export interface ReplayResult {
  started: DeadLetter[];
  /** Already started under that name (a replay or reconcile got there first): deleted too. */
  existing: DeadLetter[];
  /** Left in the queue, with the reason. */
  skipped: DeadLetter[];
}

/**
 * Start the execution each dead letter should have started (its event as the input, as
 * EventBridge would have passed it), then delete the message. A message is deleted only once its
 * execution exists, so a crash part-way loses nothing; one that is not an Object Created event stays.
 */
export async function replayDeadLetters(
  queue: DeadLetterQueue,
  start: StartExecution,
  opts: { visibilitySeconds?: number; limit?: number } = {},
): Promise<ReplayResult> {
  const result: ReplayResult = { started: [], existing: [], skipped: [] };
  const limit = opts.limit ?? 1000;
  const handled = new Set<string>();
  while (handled.size < limit) {
    const batch = (await queue.receive(opts.visibilitySeconds ?? 120)).filter(
      (m) => !handled.has(m.messageId),
    );
    if (batch.length === 0) break;
    for (const message of batch) {
      handled.add(message.messageId);
      const letter = describeDeadLetter(message);
      if (letter.unreplayable) {
        result.skipped.push(letter);
        continue;
      }
      const name = reconcileExecutionName(letter.bucket!, {
        key: letter.key!,
        size: 0,
        ...(letter.etag ? { etag: letter.etag } : {}),
        ...(letter.versionId ? { versionId: letter.versionId } : {}),
      });
      const outcome = await start(name, JSON.parse(message.body));
      await queue.delete(message.receiptHandle);
      (outcome === 'started' ? result.started : result.existing).push(letter);
    }
  }
  return result;
}
