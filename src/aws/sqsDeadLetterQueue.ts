/** The `DeadLetterQueue` port (see `deadLetters.ts`) over SQS, found by its queue name. */
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetterQueue } from './deadLetters.js';

/**
 * The stage's dead-letter queue.
 * @example const queue = await sqsDeadLetterQueue(stageNames('dev').deadLetterQueue);
 */
export async function sqsDeadLetterQueue(
  queueName: string,
  client: SQSClient = new SQSClient({}),
): Promise<DeadLetterQueue> {
  const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: queueName }));
  const url = QueueUrl!;
  return {
    async receive(visibilitySeconds) {
      const out = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: visibilitySeconds,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
        }),
      );
      return (out.Messages ?? []).map((m) => ({
        messageId: m.MessageId ?? '',
        receiptHandle: m.ReceiptHandle ?? '',
        body: m.Body ?? '',
        attributes: Object.fromEntries(
          Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '']),
        ),
      }));
    },
    async delete(receiptHandle) {
      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: receiptHandle }));
    },
  };
}
