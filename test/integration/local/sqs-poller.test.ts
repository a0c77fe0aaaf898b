import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { queueSpec } from '../../../infra/catalog';
import type { LocalQueue } from '../../../infra/local/resources';
import { SqsEventSourcePoller, type BatchOutcome } from '../../../infra/local/sqs-poller';
import { spyLog } from '../../unit/local/factories';
import { createTestQueues, receiveAll, testClients } from '../support/emulators';

/**
 * The SQS event-source poller against the SQS emulator, with a consumer that fails on purpose.
 * Queues come from the catalog (DLQ after maxReceiveCount deliveries) with a 2 s visibility
 * timeout, kept above the poller's 1 s wait (the emulator repeats messages otherwise).
 */

type Behaviour = (records: SQSRecord[]) => SQSBatchResponse | void;

/** A test consumer: records every batch it is given, and answers as the test tells it to. */
function testConsumer(initial: Behaviour) {
  const consumer = {
    behaviour: initial,
    batches: [] as SQSRecord[][],
    handler: async (event: SQSEvent): Promise<SQSBatchResponse | void> => {
      consumer.batches.push(event.Records);
      return consumer.behaviour(event.Records);
    },
  };
  return consumer;
}

const succeed: Behaviour = () => undefined;
const failWhere =
  (predicate: (body: { n: number }) => boolean): Behaviour =>
  (records) => ({ batchItemFailures: records.filter((r) => predicate(JSON.parse(r.body) as { n: number })).map((r) => ({ itemIdentifier: r.messageId })) });

async function sendNumbered(sqs: SQSClient, queueUrl: string, count: number): Promise<void> {
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: Array.from({ length: count }, (_, n) => ({ Id: `m${n}`, MessageBody: JSON.stringify({ n }) })),
    }),
  );
}

/** Steps the poller until it has handed `expected` records to the consumer (or the deadline passes). */
async function pollUntilReceived(poller: SqsEventSourcePoller, expected: number, timeoutMs = 6000): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = [];
  const deadline = Date.now() + timeoutMs;
  while (outcomes.reduce((sum, o) => sum + o.received, 0) < expected && Date.now() < deadline) {
    const outcome = await poller.pollOnce();
    if (outcome.received > 0) outcomes.push(outcome);
  }
  return outcomes;
}

/** Every message the queue still holds, visible or in flight. */
async function messagesIn(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? NaN) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? NaN);
}

const bodyOf = (record: SQSRecord) => (JSON.parse(record.body) as { n: number }).n;

describe('SqsEventSourcePoller against the SQS emulator', () => {
  const { sqs } = testClients();
  const log = spyLog();
  let queue: LocalQueue;

  function poller(handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>, timeoutSeconds = 5): SqsEventSourcePoller {
    return new SqsEventSourcePoller({
      client: sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      fn: { name: 'test-consumer', timeoutSeconds },
      handler,
      batchSize: 10,
      waitTimeSeconds: 1,
      log,
    });
  }

  beforeEach(async () => {
    queue = (await createTestQueues(sqs, 2))['revoke-devices'];
    log.info.mockClear();
    log.error.mockClear();
  });

  afterAll(() => {
    sqs.destroy();
  });

  it('runs on queues with the catalog redrive policy and the short local visibility timeout', async () => {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['RedrivePolicy', 'VisibilityTimeout'] }));

    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: queue.dlqArn, maxReceiveCount: queueSpec('revoke-devices').maxReceiveCount });
    expect(queue.maxReceiveCount).toBe(5);
    expect(Attributes?.VisibilityTimeout).toBe('2');
  });

  it('deletes the good records of a batch, redelivers the failed one, then dead-letters it after maxReceiveCount', async () => {
    // Prepare
    await sendNumbered(sqs, queue.url, 10);
    const consumer = testConsumer(failWhere((body) => body.n === 3));
    const subject = poller(consumer.handler);

    // Act: the first delivery, then every redelivery until the queue gives up on the message
    const first = await subject.pollOnce();
    const redeliveries: BatchOutcome[] = [];
    for (let attempt = 2; attempt <= queue.maxReceiveCount; attempt += 1) redeliveries.push(...(await pollUntilReceived(subject, 1)));
    const deadLettered = await receiveAll(sqs, queue.dlqUrl, 1, 6000);

    // Assess
    expect(first).toEqual({ received: 10, deleted: 9, failed: 1, wholeBatchFailed: false });
    const failing = consumer.batches[0]!.find((r) => bodyOf(r) === 3)!;
    // Deliveries 2 to 5 (the catalog's maxReceiveCount), each of the failing message alone.
    expect(redeliveries).toEqual([
      { received: 1, deleted: 0, failed: 1, wholeBatchFailed: false },
      { received: 1, deleted: 0, failed: 1, wholeBatchFailed: false },
      { received: 1, deleted: 0, failed: 1, wholeBatchFailed: false },
      { received: 1, deleted: 0, failed: 1, wholeBatchFailed: false },
    ]);
    const again = consumer.batches.slice(1).flat();
    expect(again.map((r) => [r.messageId, bodyOf(r), r.attributes.ApproximateReceiveCount])).toEqual([
      [failing.messageId, 3, '2'],
      [failing.messageId, 3, '3'],
      [failing.messageId, 3, '4'],
      [failing.messageId, 3, '5'],
    ]);
    expect(deadLettered.map((m) => JSON.parse(m.Body ?? '') as unknown)).toEqual([{ n: 3 }]);
    expect(await messagesIn(sqs, queue.url)).toBe(0);
    expect(log.info).toHaveBeenCalledWith('partial batch failure', expect.objectContaining({ fn: 'test-consumer', size: 10, failed: 1 }));
  });

  it('returns the whole batch when the handler throws', async () => {
    // Prepare
    await sendNumbered(sqs, queue.url, 3);
    const consumer = testConsumer(() => {
      throw new Error('consumer crashed on purpose');
    });
    const subject = poller(consumer.handler);

    // Act
    const failed = await pollUntilReceived(subject, 3);
    consumer.behaviour = succeed;
    const redelivered = await pollUntilReceived(subject, 3);

    // Assess
    expect(failed.every((o) => o.wholeBatchFailed && o.deleted === 0)).toBe(true);
    const firstIds = consumer.batches.slice(0, failed.length).flat().map((r) => r.messageId).sort();
    const again = consumer.batches.slice(failed.length).flat();
    expect(again.map((r) => r.messageId).sort()).toEqual(firstIds);
    expect(again.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2', '2', '2']);
    expect(redelivered.reduce((sum, o) => sum + o.deleted, 0)).toBe(3);
    expect(log.error).toHaveBeenCalledWith('consumer failed the whole batch', expect.objectContaining({ error: 'consumer crashed on purpose' }));
  });

  it('returns the whole batch when the handler reports an item id that is not in the batch', async () => {
    // Prepare
    await sendNumbered(sqs, queue.url, 3);
    const consumer = testConsumer(() => ({ batchItemFailures: [{ itemIdentifier: 'no-such-message' }] }));
    const subject = poller(consumer.handler);

    // Act
    const failed = await pollUntilReceived(subject, 3);
    consumer.behaviour = succeed;
    const redelivered = await pollUntilReceived(subject, 3);

    // Assess
    expect(failed.every((o) => o.wholeBatchFailed && o.deleted === 0)).toBe(true);
    const again = consumer.batches.slice(failed.length).flat();
    expect(again.map(bodyOf).sort()).toEqual([0, 1, 2]);
    expect(again.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2', '2', '2']);
    expect(redelivered.reduce((sum, o) => sum + o.deleted, 0)).toBe(3);
  });

  it('returns the whole batch when the handler runs past its timeout', async () => {
    // Prepare
    await sendNumbered(sqs, queue.url, 2);
    let timer: NodeJS.Timeout | undefined;
    const subject = poller(() => new Promise((resolve) => (timer = setTimeout(resolve, 3000))), 0.2);

    // Act
    const outcomes = await pollUntilReceived(subject, 2);
    clearTimeout(timer);

    // Assess
    expect(outcomes.every((o) => o.wholeBatchFailed && o.deleted === 0)).toBe(true);
    expect(log.error).toHaveBeenCalledWith('consumer failed the whole batch', expect.objectContaining({ error: expect.stringContaining('Task timed out after 0.20 seconds') }));
  });

  it('runs on its own once started, and stops cleanly', async () => {
    // Prepare
    await sendNumbered(sqs, queue.url, 4);
    const consumer = testConsumer(succeed);
    const subject = poller(consumer.handler);

    // Act
    subject.start();
    const deadline = Date.now() + 6000;
    while (consumer.batches.flat().length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await subject.stop();

    // Assess
    expect(consumer.batches.flat().map(bodyOf).sort()).toEqual([0, 1, 2, 3]);
    expect(await messagesIn(sqs, queue.url)).toBe(0);
  });
});
