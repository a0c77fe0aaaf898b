import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createQueues, createTable, type LocalQueue } from '../../../infra/local/resources';
import type { QueueId } from '../../../infra/catalog';

/** Clients pointed at the run's emulators (AWS_ENDPOINT_URL_* set by the global setup). */
export function testClients() {
  const dynamo = new DynamoDBClient({ region: 'us-east-1' });
  return { dynamo, doc: DynamoDBDocumentClient.from(dynamo), sqs: new SQSClient({ region: 'us-east-1', useQueueUrlAsEndpoint: false }) };
}

export function uniqueName(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** A fresh table with the catalog's schema, named for this test. */
export async function createTestTable(dynamo: DynamoDBClient, label = 't'): Promise<{ tableName: string; streamArn: string }> {
  const tableName = uniqueName(label);
  const { streamArn } = await createTable(dynamo, tableName);
  return { tableName, streamArn };
}

/** Fresh catalog queues (with DLQs and redrive) under a unique prefix; short visibility for tests. */
export async function createTestQueues(sqs: SQSClient, visibilityTimeoutSeconds = 2): Promise<Record<QueueId, LocalQueue>> {
  return createQueues(sqs, { prefix: `${uniqueName('q')}-`, visibilityTimeoutSeconds });
}

/** Drains up to `expected` messages from a queue, waiting at most `timeoutMs`. */
export async function receiveAll(sqs: SQSClient, queueUrl: string, expected: number, timeoutMs = 10000): Promise<Message[]> {
  const got: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (got.length < expected && Date.now() < deadline) {
    const result = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, AttributeNames: ['All'], VisibilityTimeout: 30 }),
    );
    got.push(...(result.Messages ?? []));
  }
  return got;
}

export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
