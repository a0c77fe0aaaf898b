import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { invokeWithTimeout, type AsyncHandler } from './lambda-runtime';

export type SqsHandler = AsyncHandler<SQSEvent, SQSBatchResponse | void>;

export interface SqsPollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  fn: { name: string; timeoutSeconds: number; memoryMb?: number };
  handler: SqsHandler;
  batchSize: number;
  /** Kept short on purpose: the emulator holds a long poll until the batch is full or the wait ends. */
  waitTimeSeconds?: number;
  log: { info(message: string, fields?: Record<string, unknown>): void; error(message: string, fields?: Record<string, unknown>): void };
}

export interface BatchOutcome {
  received: number;
  deleted: number;
  failed: number;
  /** The whole batch failed: the handler threw, timed out, or reported an invalid item id. */
  wholeBatchFailed: boolean;
}

/** Turns an SQS message into the record Lambda's SQS event source would deliver. */
export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'us-east-1',
  };
}

/**
 * Decides which messages to delete after an invocation, with Lambda's rules for
 * ReportBatchItemFailures: a thrown error, or a failure entry naming no message of the batch,
 * fails the whole batch; otherwise every message not listed as failed is deleted.
 */
export function messagesToDelete(records: readonly SQSRecord[], result: SQSBatchResponse | void | undefined, threw: boolean): SQSRecord[] | 'none' {
  if (threw) return 'none';
  const failures = result?.batchItemFailures ?? [];
  const ids = new Set(records.map((r) => r.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    if (!failure.itemIdentifier || !ids.has(failure.itemIdentifier)) return 'none';
    failed.add(failure.itemIdentifier);
  }
  return records.filter((r) => !failed.has(r.messageId));
}

/** Feeds one queue's messages to a consumer handler with the semantics of Lambda's SQS event source. */
export class SqsEventSourcePoller {
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: SqsPollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** One receive → invoke → delete cycle; exposed so tests can step the poller deterministically. */
  async pollOnce(): Promise<BatchOutcome> {
    const { client, queueUrl, queueArn, handler, fn, batchSize, log } = this.options;
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: batchSize,
        WaitTimeSeconds: this.options.waitTimeSeconds ?? 1,
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return { received: 0, deleted: 0, failed: 0, wholeBatchFailed: false };
    const records = messages.map((m) => toSqsRecord(m, queueArn));
    let result: SQSBatchResponse | void | undefined;
    let threw = false;
    try {
      // Lambda hands the function a serialized copy: what the handler does to the event cannot
      // change which messages the poller deletes.
      result = await invokeWithTimeout(handler, structuredClone({ Records: records }), fn);
    } catch (error) {
      threw = true;
      log.error('consumer failed the whole batch', { fn: fn.name, size: records.length, error: error instanceof Error ? error.message : String(error) });
    }
    const toDelete = messagesToDelete(records, result, threw);
    if (toDelete === 'none') return { received: records.length, deleted: 0, failed: records.length, wholeBatchFailed: true };
    let notDeleted = 0;
    if (toDelete.length > 0) {
      const deleted = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: toDelete.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
      // A delete SQS refused (e.g. an expired receipt handle) means the message comes back: say so.
      notDeleted = deleted.Failed?.length ?? 0;
      if (notDeleted > 0) log.error('delete failed: messages will be delivered again', { fn: fn.name, failures: deleted.Failed });
    }
    const failed = records.length - toDelete.length;
    if (failed > 0) log.info('partial batch failure', { fn: fn.name, size: records.length, failed });
    return { received: records.length, deleted: toDelete.length - notDeleted, failed, wholeBatchFailed: false };
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (error) {
        // The emulator going away (shutdown, a test stopping it) must not kill the stack: back off.
        if (this.running) {
          this.options.log.error('poll failed', { fn: this.options.fn.name, error: error instanceof Error ? error.message : String(error) });
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }
  }
}
