import { GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LocalQueue } from '../../../infra/local/resources';
import { SqsEventSourcePoller, type BatchOutcome } from '../../../infra/local/sqs-poller';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import type { DeletionRequest } from '../../../shared/domain/model';
import { queueConsumers, type QueueId, type StepName } from '../../../infra/catalog';
import { tableStepPorts, type StepConsumerPorts } from '../../../shared/workers/step-consumer';
import type { WorkerLog } from '../../../shared/workers/log';
import { createTestQueues, createTestTable, testClients } from '../support/emulators';

/** A table and the catalog's queues (2 s visibility) of this test file's own, on the shared emulators. */
export async function workerTestBed() {
  const { dynamo, doc, sqs } = testClients();
  const [{ tableName }, queues] = await Promise.all([createTestTable(dynamo, 'workers'), createTestQueues(sqs, 2)]);
  return {
    doc,
    sqs,
    tableName,
    queues,
    destroy: () => {
      dynamo.destroy();
      sqs.destroy();
    },
  };
}

export type TestBed = Awaited<ReturnType<typeof workerTestBed>>;

export const silentLog: WorkerLog & { info(m: string, f?: Record<string, unknown>): void } = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The local stack's poller in front of a consumer: Lambda's event-source semantics, stepped by the test. */
export function pollerFor(bed: TestBed, name: QueueId, handler: (event: SQSEvent) => Promise<SQSBatchResponse>): SqsEventSourcePoller {
  const fn = queueConsumers.find((consumer) => consumer.name === name)!;
  const queue: LocalQueue = bed.queues[fn.queue];
  return new SqsEventSourcePoller({ client: bed.sqs, queueUrl: queue.url, queueArn: queue.arn, fn, handler, batchSize: fn.batchSize, waitTimeSeconds: 1, log: silentLog });
}

/** A step's table-backed ports on this test bed, with a silent log. */
export function stepPorts(bed: TestBed, step: StepName): StepConsumerPorts {
  return { ...tableStepPorts({ doc: bed.doc, tableName: bed.tableName }, step), log: silentLog };
}

/** Polls until `done` says so (or time runs out); returns every batch outcome seen. */
export async function pollUntil(poller: SqsEventSourcePoller, done: (outcomes: BatchOutcome[]) => boolean | Promise<boolean>, timeoutMs = 15000): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = [];
  const deadline = Date.now() + timeoutMs;
  while (!(await done(outcomes))) {
    if (Date.now() > deadline) throw new Error(`poller did not get there in ${timeoutMs} ms: ${JSON.stringify(outcomes)}`);
    const outcome = await poller.pollOnce();
    if (outcome.received > 0) outcomes.push(outcome);
  }
  return outcomes;
}

export async function putItems(doc: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const chunk = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: chunk } }));
  }
}

export async function readRequest(doc: DynamoDBDocumentClient, tableName: string, requestId: string): Promise<DeletionRequest & { progressVersion?: number }> {
  const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.request(requestId), ConsistentRead: true }));
  if (!result.Item) throw new Error(`no request ${requestId}`);
  return result.Item as DeletionRequest;
}

/** Every item of one kind (DEVICE#, SESSION#) in a customer's partition. */
export async function readCustomerItems(doc: DynamoDBDocumentClient, tableName: string, customerId: string, prefix: string): Promise<Record<string, unknown>[]> {
  const result = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.customerPartition(customerId), ':prefix': prefix },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

export async function sendBodies(sqs: SQSClient, queueUrl: string, bodies: unknown[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const entries = bodies.slice(i, i + 10).map((body, index) => ({ Id: String(index), MessageBody: typeof body === 'string' ? body : JSON.stringify(body) }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}

export async function sendBody(sqs: SQSClient, queueUrl: string, body: unknown): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: typeof body === 'string' ? body : JSON.stringify(body) }));
}

/**
 * Messages in a queue, visible or in flight. The emulator's ApproximateNumberOfMessages already
 * counts in-flight messages (SQS's counts only visible ones), so it is the whole answer here.
 */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const result = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(result.Attributes?.ApproximateNumberOfMessages ?? 0);
}
