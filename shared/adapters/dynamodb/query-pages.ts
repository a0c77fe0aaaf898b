import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './client';
import { callDynamo } from './errors';

export type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

/**
 * Every page of one Query on the table, in order, each as its items: the loop on `LastEvaluatedKey`, written once.
 * A caller that stops iterating stops the reading (no page is read ahead).
 */
export async function* queryPages(table: TableRef, input: QueryInput): AsyncGenerator<Record<string, unknown>[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await callDynamo(() => table.doc.send(new QueryCommand({ ...input, TableName: table.tableName, ...(start ? { ExclusiveStartKey: start } : {}) })));
    yield page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

/** Every item a Query finds, all pages read: for partitions known to be small (a request's items, a customer's users). */
export async function queryAll(table: TableRef, input: QueryInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of queryPages(table, input)) items.push(...page);
  return items;
}
