/** The SQS adapter of the dead-letter queue, and a replay through it, over a mocked SQS client. */
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { replayDeadLetters } from '../../src/aws/deadLetters.js';
import { sqsDeadLetterQueue } from '../../src/aws/sqsDeadLetterQueue.js';

const sqs = mockClient(SQSClient);
const URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/lake-dev-ingest-dlq';
const event = {
  'detail-type': 'Object Created',
  time: '2026-11-20T10:00:00Z',
  detail: { bucket: { name: 'ingest' }, object: { key: 'users.csv', etag: 'abc', size: 3 } },
};

beforeEach(() => {
  sqs.reset();
  sqs.on(GetQueueUrlCommand, { QueueName: 'lake-dev-ingest-dlq' }).resolves({ QueueUrl: URL });
  sqs
    .on(ReceiveMessageCommand)
    .resolvesOnce({
      Messages: [
        {
          MessageId: 'm1',
          ReceiptHandle: 'r1',
          Body: JSON.stringify(event),
          MessageAttributes: {
            ERROR_CODE: { DataType: 'String', StringValue: 'SDK_CLIENT_ERROR' },
            RETRY_ATTEMPTS: { DataType: 'Number', StringValue: '185' },
          },
        },
      ],
    })
    .resolves({ Messages: [] });
  sqs.on(DeleteMessageCommand).resolves({});
});

describe('sqsDeadLetterQueue', () => {
  it('finds the queue by name, receives with attributes, and deletes what was replayed', async () => {
    const queue = await sqsDeadLetterQueue(
      'lake-dev-ingest-dlq',
      new SQSClient({ region: 'us-east-1' }),
    );
    const started: { name: string; input: unknown }[] = [];
    const result = await replayDeadLetters(queue, async (name, input) => {
      started.push({ name, input });
      return 'started';
    });
    expect(result.started).toEqual([
      expect.objectContaining({
        key: 'users.csv',
        errorCode: 'SDK_CLIENT_ERROR',
        retryAttempts: 185,
      }),
    ]);
    expect(started[0]!.input).toEqual(event);
    expect(started[0]!.name).toMatch(/^users_csv-[0-9a-f]{16}$/);
    const receive = sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input;
    expect(receive).toMatchObject({
      QueueUrl: URL,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
    });
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: URL, ReceiptHandle: 'r1' },
    ]);
  });
});
