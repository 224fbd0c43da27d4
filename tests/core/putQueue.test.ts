import { describe, expect, it } from 'vitest';
import { PutQueue } from '../../src/core/transform/PutQueue.js';

/** A sink whose puts finish only when told, recording how many ran at once. */
function slowSink(fail?: string) {
  let running = 0;
  const seen = { most: 0, done: [] as string[] };
  const sink = {
    put: async (key: string) => {
      running++;
      seen.most = Math.max(seen.most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (key === fail) throw new Error(`put ${key} failed`);
      seen.done.push(key);
    },
  };
  return { sink, seen };
}

describe('PutQueue', () => {
  it('runs at most `limit` puts at once and finishes them all', async () => {
    const { sink, seen } = slowSink();
    const queue = new PutQueue(sink, 3);
    for (let i = 0; i < 10; i++) await queue.add(`k${i}`, new Uint8Array(1), 'x');
    await queue.drain();
    expect(seen.most).toBe(3);
    expect(seen.done.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`).sort());
  });

  it('fails the drain when a put failed', async () => {
    const { sink } = slowSink('k1');
    const queue = new PutQueue(sink, 4);
    for (let i = 0; i < 3; i++) await queue.add(`k${i}`, new Uint8Array(1), 'x');
    await expect(queue.drain()).rejects.toThrow('put k1 failed');
  });

  it('fails the next add once a put failed', async () => {
    const { sink } = slowSink('k0');
    const queue = new PutQueue(sink, 1);
    await queue.add('k0', new Uint8Array(1), 'x');
    await expect(queue.add('k1', new Uint8Array(1), 'x')).rejects.toThrow('put k0 failed');
  });
});
