import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface RedriveTarget {
  /** The dead-letter queue to empty. */
  dlqUrl: string;
  /** The queue its messages came from. */
  sourceUrl: string;
}

export interface RedriveResult {
  moved: number;
  /** Messages the source queue refused; they stay in the DLQ (visible again after a short while). */
  failed: number;
}

/** Message attributes as SendMessage takes them back (the receive side adds empty list fields). */
function sendableAttributes(attributes: Message['MessageAttributes']): Record<string, MessageAttributeValue> | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  const copy: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    copy[name] = {
      DataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
    };
  }
  return copy;
}

/**
 * Moves a DLQ's messages back to their source queue, like SQS's StartMessageMoveTask (which the local SQS
 * emulator reports COMPLETED without moving anything, so the local stack and `npm run redrive` use this): each batch is
 * sent to the source first and only then deleted from the DLQ, so a crash in between duplicates a
 * message (the consumers are idempotent) but never loses one. Like SQS's redrive, a moved message is
 * a new message: new MessageId, receive count back to zero, a fresh set of retries.
 */
export async function redriveDlq(sqs: SQSClient, target: RedriveTarget, options: { maxMessages?: number } = {}): Promise<RedriveResult> {
  const limit = options.maxMessages ?? Number.POSITIVE_INFINITY;
  let moved = 0;
  let failed = 0;
  while (moved + failed < limit) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: target.dlqUrl,
        MaxNumberOfMessages: Math.min(10, limit - moved - failed),
        WaitTimeSeconds: 0,
        // Long enough to send and delete; a refused message comes back to the DLQ after it.
        VisibilityTimeout: 30,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: target.sourceUrl,
        Entries: messages.map((message, index) => {
          const attributes = sendableAttributes(message.MessageAttributes);
          return { Id: String(index), MessageBody: message.Body ?? '', ...(attributes ? { MessageAttributes: attributes } : {}) };
        }),
      }),
    );
    const movedIds = new Set((sent.Successful ?? []).map((entry) => entry.Id));
    const toDelete = messages.flatMap((message, index) => (movedIds.has(String(index)) ? [{ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' }] : []));
    if (toDelete.length > 0) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: target.dlqUrl, Entries: toDelete }));
    moved += toDelete.length;
    failed += messages.length - toDelete.length;
  }
  return { moved, failed };
}
