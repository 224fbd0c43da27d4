import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CopyObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeNotificationKey,
  subscribeObjectCreated,
  toObjectCreatedEvent,
  type S3ObjectCreatedEvent,
} from '../../src/local/events/index.js';
import { startS3Endpoint, type S3Endpoint } from '../../src/local/s3/index.js';

let dir: string;
let s3: S3Endpoint;
let client: S3Client;
const events: S3ObjectCreatedEvent[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lake-events-'));
  s3 = await startS3Endpoint({ dir, port: 0, buckets: ['lake-ingest', 'lake-raw'] });
  subscribeObjectCreated(
    s3,
    { bucket: 'lake-ingest', account: '123456789012', region: 'eu-west-1' },
    (e) => {
      events.push(e);
    },
  );
  client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
});

afterAll(async () => {
  client?.destroy();
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
});

async function eventFor(key: string): Promise<S3ObjectCreatedEvent> {
  for (let i = 0; i < 200; i++) {
    const found = events.find((e) => e.detail.object.key === key);
    if (found) return found;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`no event for ${key}`);
}

describe('object-created events', () => {
  it('gives the EventBridge "Object Created" shape for an upload to the ingest bucket', async () => {
    const key = 'uploads/hired employees+2021.csv';
    await client.send(new PutObjectCommand({ Bucket: 'lake-ingest', Key: key, Body: '1,a\n' }));
    const event = await eventFor(key);
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '123456789012',
      region: 'eu-west-1',
      resources: ['arn:aws:s3:::lake-ingest'],
      detail: {
        version: '0',
        bucket: { name: 'lake-ingest' },
        object: { key, size: 4, etag: expect.stringMatching(/^[0-9a-f]{32}$/) },
        requester: '123456789012',
        reason: 'PutObject',
      },
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(event.detail['request-id']).toMatch(/^[0-9A-F]{16}$/);
    expect(event.detail.object.sequencer).toMatch(/^[0-9A-F]{18}$/);
  });

  it('fires for copies into the ingest bucket, with growing sequencers, and not for other buckets', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'lake-raw', Key: 'a.csv', Body: 'x' }));
    await client.send(
      new CopyObjectCommand({
        Bucket: 'lake-ingest',
        Key: 'copied/a.csv',
        CopySource: 'lake-raw/a.csv',
      }),
    );
    await client.send(new PutObjectCommand({ Bucket: 'lake-ingest', Key: 'later.csv', Body: 'y' }));
    const copied = await eventFor('copied/a.csv');
    const later = await eventFor('later.csv');
    expect(copied.detail.reason).toBe('CopyObject');
    expect(copied.detail.object.size).toBe(1);
    expect(later.detail.object.sequencer > copied.detail.object.sequencer).toBe(true);
    expect(events.some((e) => e.detail.object.key === 'a.csv')).toBe(false);
  });

  it('can encode keys the way S3 notifications do', () => {
    expect(encodeNotificationKey('dir/a b+c=d.csv')).toBe('dir/a+b%2Bc%3Dd.csv');
    const event = toObjectCreatedEvent(
      {
        bucket: 'b',
        key: 'x y.csv',
        size: 1,
        etag: 'e',
        reason: 'PutObject',
        sequencer: '01',
        requestId: 'R',
        sourceIp: '127.0.0.1',
        time: '2021-01-01T00:00:00.123Z',
      },
      { keyEncoding: 'url' },
    );
    expect(event.detail.object.key).toBe('x+y.csv');
    expect(event.time).toBe('2021-01-01T00:00:00Z');
  });
});
