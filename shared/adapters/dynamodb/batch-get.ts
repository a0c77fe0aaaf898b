import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './client';
import { callDynamo } from './errors';

export type ItemKey = { pk: string; sk: string };

/** BatchGetItem takes at most 100 keys a request. */
const MAX_BATCH_GET_KEYS = 100;
const MAX_ATTEMPTS = 8;

export const itemKeyOf = (key: ItemKey) => `${key.pk}\u0000${key.sk}`;

/**
 * Consistent reads of any number of items by key: requests of 100 keys in parallel, each asking
 * again (with a short backoff) for the keys DynamoDB leaves unprocessed under load. The items found,
 * by `itemKeyOf` (a missing item is simply absent). `projection` names the attributes wanted; it
 * must include `pk` and `sk`.
 */
export async function batchGetItems(table: TableRef, keys: readonly ItemKey[], projection?: string): Promise<Map<string, Record<string, unknown>>> {
  const items = new Map<string, Record<string, unknown>>();
  const chunks = Array.from({ length: Math.ceil(keys.length / MAX_BATCH_GET_KEYS) }, (_, i) => keys.slice(i * MAX_BATCH_GET_KEYS, (i + 1) * MAX_BATCH_GET_KEYS));
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending: Record<string, unknown>[] = [...chunk];
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`BatchGetItem left keys unprocessed after ${MAX_ATTEMPTS} attempts`);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(200, 10 * 2 ** attempt)));
        const result = await callDynamo(() =>
          table.doc.send(new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: pending, ConsistentRead: true, ...(projection ? { ProjectionExpression: projection } : {}) } } })),
        );
        for (const item of result.Responses?.[table.tableName] ?? []) items.set(itemKeyOf(item as ItemKey), item);
        pending = (result.UnprocessedKeys?.[table.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }),
  );
  return items;
}
