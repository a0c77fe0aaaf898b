import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../shared/adapters/dynamodb/client';
import { mapWithConcurrency } from '../shared/workers/concurrency';
import { LOCAL_CREDENTIALS } from '../infra/local/local-config';

/** Every HTTP request the client sends (each retry attempt included), by operation. */
export interface RequestCounter {
  total: number;
  byCommand: Record<string, number>;
}

/**
 * The bench's DynamoDB client: the service's own document client (same marshalling options) over a
 * client with a counting middleware. It sits in the finalizeRequest step below the retry
 * middleware, so it sees each attempt that goes on the wire, not just each `send`.
 */
export function countingDocumentClient(endpoint: string): { client: DynamoDBClient; doc: DynamoDBDocumentClient; counter: RequestCounter } {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_CREDENTIALS.AWS_REGION,
    credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  });
  const counter: RequestCounter = { total: 0, byCommand: {} };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counter.total += 1;
      const name = context.commandName ?? 'unknown';
      counter.byCommand[name] = (counter.byCommand[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'benchRequestCounter' },
  );
  return { client, doc: createDocumentClient(client), counter };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Puts items 25 at a time, retrying what DynamoDB leaves unprocessed. */
export async function putAll(doc: DynamoDBDocumentClient, tableName: string, items: readonly Record<string, unknown>[], concurrency = 4): Promise<void> {
  await mapWithConcurrency(chunks(items, 25), concurrency, async (chunk) => {
    let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > 10) throw new Error('BatchWriteItem kept leaving items unprocessed');
      const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  });
}

/** Reads items by key, 100 at a time, retrying what DynamoDB leaves unprocessed. */
export async function getAll(doc: DynamoDBDocumentClient, tableName: string, keys: readonly Record<string, string>[]): Promise<Record<string, unknown>[]> {
  const found = await mapWithConcurrency(chunks(keys, 100), 4, async (chunk) => {
    const items: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] = [...chunk];
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 10) throw new Error('BatchGetItem kept leaving keys unprocessed');
      const result = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
      items.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
    return items;
  });
  return found.flat();
}
