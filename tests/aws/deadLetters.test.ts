import { describe, expect, it } from 'vitest';
import {
  describeDeadLetter,
  listDeadLetters,
  replayDeadLetters,
  type DeadLetterQueue,
  type QueueMessage,
} from '../../src/aws/deadLetters.js';
import { reconcileExecutionName } from '../../src/pipeline/reconcile.js';

/** An SQS-like queue: receive hands out up to 10 visible messages and hides them for the timeout. */
function fakeQueue(messages: QueueMessage[]) {
  const hiddenUntil = new Map<string, number>();
  let now = 0;
  const deleted: string[] = [];
  const queue: DeadLetterQueue = {
    async receive(visibility) {
      const visible = messages.filter(
        (m) => !deleted.includes(m.receiptHandle) && (hiddenUntil.get(m.messageId) ?? 0) <= now,
      );
      const batch = visible.slice(0, 10);
      for (const m of batch) hiddenUntil.set(m.messageId, now + visibility);
      return batch;
    },
    async delete(handle) {
      deleted.push(handle);
    },
  };
  return { queue, deleted, tick: (s: number) => (now += s) };
}

function letter(i: number, key = `uploads/users_${i}.csv`): QueueMessage {
  return {
    messageId: `m${i}`,
    receiptHandle: `r${i}`,
    body: JSON.stringify({
      'detail-type': 'Object Created',
      source: 'aws.s3',
      time: '2026-11-20T10:00:00Z',
      detail: { bucket: { name: 'ingest' }, object: { key, etag: `e${i}`, size: 10 } },
    }),
    attributes: {
      ERROR_CODE: 'SDK_CLIENT_ERROR',
      ERROR_MESSAGE: 'AccessDenied on states:StartExecution',
      RETRY_ATTEMPTS: '185',
    },
  };
}

describe('dead letters', () => {
  it('describes an EventBridge dead letter: the upload and why delivery gave up', () => {
    expect(describeDeadLetter(letter(1))).toEqual({
      messageId: 'm1',
      bucket: 'ingest',
      key: 'uploads/users_1.csv',
      etag: 'e1',
      eventTime: '2026-11-20T10:00:00Z',
      errorCode: 'SDK_CLIENT_ERROR',
      errorMessage: 'AccessDenied on states:StartExecution',
      retryAttempts: 185,
    });
    expect(
      describeDeadLetter({ messageId: 'x', receiptHandle: 'h', body: '{', attributes: {} }),
    ).toMatchObject({ unreplayable: 'the body is not JSON' });
  });

  it('lists every waiting message (more than one receive) and leaves them in the queue', async () => {
    const q = fakeQueue(Array.from({ length: 23 }, (_, i) => letter(i)));
    const listed = await listDeadLetters(q.queue);
    expect(listed.map((l) => l.messageId).sort()).toEqual(
      Array.from({ length: 23 }, (_, i) => `m${i}`).sort(),
    );
    expect(q.deleted).toEqual([]);
    q.tick(30);
    expect(await listDeadLetters(q.queue, { limit: 5 })).toHaveLength(5);
  });

  it('replays each upload under the reconcile name, deletes it once started, keeps what it cannot replay', async () => {
    const odd: QueueMessage = {
      messageId: 'odd',
      receiptHandle: 'rodd',
      body: JSON.stringify({ 'detail-type': 'Something Else' }),
      attributes: {},
    };
    const q = fakeQueue([letter(1), letter(2), odd]);
    const started: Array<{ name: string; input: unknown }> = [];
    const result = await replayDeadLetters(q.queue, async (name, input) => {
      started.push({ name, input });
      return name.startsWith('users_2') ? 'exists' : 'started';
    });
    expect(started[0]!.name).toBe(
      reconcileExecutionName('ingest', { key: 'uploads/users_1.csv', size: 0, etag: 'e1' }),
    );
    expect(started[0]!.input).toEqual(JSON.parse(letter(1).body));
    expect(result.started.map((l) => l.key)).toEqual(['uploads/users_1.csv']);
    expect(result.existing.map((l) => l.key)).toEqual(['uploads/users_2.csv']);
    expect(result.skipped.map((l) => l.messageId)).toEqual(['odd']);
    expect(q.deleted.sort()).toEqual(['r1', 'r2']);
  });

  it('a failed start deletes nothing: the message waits for the next replay', async () => {
    const q = fakeQueue([letter(1)]);
    await expect(
      replayDeadLetters(q.queue, async () => {
        throw new Error('throttled');
      }),
    ).rejects.toThrow('throttled');
    expect(q.deleted).toEqual([]);
  });
});
