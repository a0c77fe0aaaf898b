import { DeleteMessageBatchCommand, ReceiveMessageCommand, type DeleteMessageBatchCommandOutput, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { messagesToDelete, SqsEventSourcePoller, toSqsRecord, type SqsHandler } from '../../../infra/local/sqs-poller';
import { spyLog, sqsMessage, sqsRecords, TEST_QUEUE_ARN } from './factories';

describe('messagesToDelete (Lambda ReportBatchItemFailures rules)', () => {
  it('deletes nothing when the handler threw, whatever it returned', () => {
    const records = sqsRecords(3);

    expect(messagesToDelete(records, undefined, true)).toBe('none');
    expect(messagesToDelete(records, { batchItemFailures: [] }, true)).toBe('none');
  });

  it('deletes every record when the handler returned nothing or no failures', () => {
    const records = sqsRecords(3);

    expect(messagesToDelete(records, undefined, false)).toEqual(records);
    expect(messagesToDelete(records, { batchItemFailures: [] }, false)).toEqual(records);
  });

  it('deletes all but the records reported as failed', () => {
    const records = sqsRecords(5);
    const [first, second, third, fourth, fifth] = records;

    const toDelete = messagesToDelete(records, { batchItemFailures: [{ itemIdentifier: second!.messageId }, { itemIdentifier: fourth!.messageId }] }, false);

    expect(toDelete).toEqual([first, third, fifth]);
  });

  it('deletes nothing when every record failed', () => {
    const records = sqsRecords(2);

    expect(messagesToDelete(records, { batchItemFailures: records.map((r) => ({ itemIdentifier: r.messageId })) }, false)).toEqual([]);
  });

  it.each([
    ['an id not in the batch', 'not-a-message-of-this-batch'],
    ['an empty id', ''],
    ['a missing id', undefined],
  ])('fails the whole batch for %s', (_label, itemIdentifier) => {
    const records = sqsRecords(3);

    const toDelete = messagesToDelete(records, { batchItemFailures: [{ itemIdentifier: records[0]!.messageId }, { itemIdentifier: itemIdentifier as string }] }, false);

    expect(toDelete).toBe('none');
  });
});

describe('toSqsRecord', () => {
  it('turns a received message into the record Lambda delivers', () => {
    // Prepare
    const message = sqsMessage({
      MessageId: 'm-1',
      ReceiptHandle: 'rh-1',
      Body: '{"n":1}',
      MD5OfBody: 'md5-1',
      Attributes: { ApproximateReceiveCount: '3', SentTimestamp: '1700000000000', SenderId: 'SENDER', ApproximateFirstReceiveTimestamp: '1700000000500' },
      MessageAttributes: {
        traceId: { DataType: 'String', StringValue: 't-1' },
        blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 255]) },
      },
    });

    // Act
    const record = toSqsRecord(message, TEST_QUEUE_ARN);

    // Assess
    expect(record).toEqual({
      messageId: 'm-1',
      receiptHandle: 'rh-1',
      body: '{"n":1}',
      md5OfBody: 'md5-1',
      attributes: { ApproximateReceiveCount: '3', SentTimestamp: '1700000000000', SenderId: 'SENDER', ApproximateFirstReceiveTimestamp: '1700000000500' },
      messageAttributes: {
        traceId: { dataType: 'String', stringValue: 't-1', stringListValues: [], binaryListValues: [] },
        blob: { dataType: 'Binary', binaryValue: Buffer.from([1, 2, 255]).toString('base64'), stringListValues: [], binaryListValues: [] },
      },
      eventSource: 'aws:sqs',
      eventSourceARN: TEST_QUEUE_ARN,
      awsRegion: 'eu-west-1',
    });
  });

  it('fills what the emulator left out: a first delivery, no attributes', () => {
    const record = toSqsRecord(sqsMessage({ Attributes: undefined, MessageAttributes: undefined }), TEST_QUEUE_ARN);

    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(record.attributes.SentTimestamp).toMatch(/^\d+$/);
    expect(record.messageAttributes).toEqual({});
  });
});

describe('SqsEventSourcePoller.pollOnce with a stubbed SQS client', () => {
  const queueUrl = 'http://sqs.local/000000000000/test-queue';

  /** Answers ReceiveMessage with `messages` and DeleteMessageBatch with `deleteOutput`; records every command. */
  function stubClient(messages: Message[], deleteOutput: Partial<DeleteMessageBatchCommandOutput> = {}) {
    const commands: unknown[] = [];
    const client = {
      send: async (command: unknown) => {
        commands.push(command);
        if (command instanceof ReceiveMessageCommand) return { Messages: messages };
        if (command instanceof DeleteMessageBatchCommand) return { Successful: [], Failed: [], ...deleteOutput };
        throw new Error('unexpected command');
      },
    };
    return { client: client as unknown as SQSClient, commands };
  }

  function poller(client: SQSClient, handler: SqsHandler, log = spyLog()) {
    return new SqsEventSourcePoller({ client, queueUrl, queueArn: TEST_QUEUE_ARN, fn: { name: 'test-consumer', timeoutSeconds: 1 }, handler, batchSize: 7, log });
  }

  const deleteEntries = (commands: unknown[]) => commands.filter((c): c is DeleteMessageBatchCommand => c instanceof DeleteMessageBatchCommand).flatMap((c) => c.input.Entries ?? []);

  it('receives as Lambda does: the batch size, every attribute, a short wait', async () => {
    const { client, commands } = stubClient([]);

    const outcome = await poller(client, async () => undefined).pollOnce();

    expect(outcome).toEqual({ received: 0, deleted: 0, failed: 0, wholeBatchFailed: false });
    expect(commands).toHaveLength(1);
    expect((commands[0] as ReceiveMessageCommand).input).toEqual({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 7,
      WaitTimeSeconds: 1,
      AttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
  });

  it('deletes by the receipt handles it received, whatever the handler did to its copy of the event', async () => {
    // Prepare
    const messages = [sqsMessage(), sqsMessage()];
    const { client, commands } = stubClient(messages);
    const vandal = async (event: SQSEvent) => {
      for (const record of event.Records) {
        record.receiptHandle = 'scribbled';
        record.messageId = 'scribbled';
      }
    };

    // Act
    const outcome = await poller(client, vandal).pollOnce();

    // Assess
    expect(outcome).toEqual({ received: 2, deleted: 2, failed: 0, wholeBatchFailed: false });
    expect(deleteEntries(commands).map((e) => e.ReceiptHandle)).toEqual(messages.map((m) => m.ReceiptHandle));
  });

  it('sends no delete when the whole batch failed', async () => {
    const { client, commands } = stubClient([sqsMessage()]);

    const outcome = await poller(client, async () => ({ batchItemFailures: [{ itemIdentifier: 'unknown' }] })).pollOnce();

    expect(outcome.wholeBatchFailed).toBe(true);
    expect(deleteEntries(commands)).toEqual([]);
  });

  it('reports a delete SQS refused instead of counting it as done', async () => {
    // Prepare
    const log = spyLog();
    const { client } = stubClient([sqsMessage(), sqsMessage(), sqsMessage()], {
      Failed: [{ Id: '1', Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'The receipt handle has expired.' }],
    });

    // Act
    const outcome = await poller(client, async () => undefined, log).pollOnce();

    // Assess
    expect(outcome).toEqual({ received: 3, deleted: 2, failed: 0, wholeBatchFailed: false });
    expect(log.error).toHaveBeenCalledWith('delete failed: messages will be delivered again', expect.objectContaining({ fn: 'test-consumer' }));
  });
});
