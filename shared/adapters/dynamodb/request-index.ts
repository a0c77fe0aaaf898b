import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { REQUEST_SHARDS } from '../../../infra/catalog';
import type { ActorKey } from '../../domain/actor-standing';
import type { RequestIndex, RequestIndexQuery } from '../../domain/request-list';
import type { StoredRequest } from '../../domain/request-query';
import { batchGetWithStanding, itemAt } from './actor-standing';
import type { TableRef } from './client';
import { callDynamo } from './errors';
import { keys, type RequestIndexState } from './keys';

/** One index partition holding requests newest first: which index, its key attributes, and the partition's value. */
interface RequestPartition {
  indexName: 'byParent' | 'byTime';
  partitionKey: 'gsi1pk' | 'timePk';
  sortKey: 'gsi1sk' | 'timeSk';
  value: string;
}

type Key = { pk: string; sk: string };
interface IndexedKey extends Key {
  sortKey: string;
}

/** The partitions a query reads: the account's one (byParent), or every shard of the states it can match (byTime). */
export function partitionsFor(query: Pick<RequestIndexQuery, 'scope' | 'status' | 'overdueCreatedBefore'>): RequestPartition[] {
  if (query.scope.kind === 'account') {
    return [{ indexName: 'byParent', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', value: keys.accountRequests(query.scope.accountId).gsi1pk }];
  }
  // A DONE request is SUCCESS with its receipt stored: never overdue, IN_PROGRESS or FAILED.
  const onlyOpen = query.overdueCreatedBefore !== undefined || (query.status !== undefined && query.status !== 'SUCCESS');
  const states: RequestIndexState[] = onlyOpen ? ['OPEN'] : ['OPEN', 'DONE'];
  return states.flatMap((state) =>
    Array.from({ length: REQUEST_SHARDS }, (_, shard): RequestPartition => ({
      indexName: 'byTime',
      partitionKey: 'timePk',
      sortKey: 'timeSk',
      value: keys.requestsShard(state, shard).timePk,
    })),
  );
}

/**
 * Requests newest first from the indexes (keys.ts: byParent for one account, byTime's shards for
 * all), never a scan. Each partition is read newest first with the filters, keys only, until it has
 * given `offset + size` matches (the global page lies within the union of each partition's first
 * `offset + size`); the rest of each partition is counted with `Select: 'COUNT'` queries, which
 * return no items. The partitions are read in parallel, merged by sort key, and the page's requests
 * (at most 100) are read from the table in one consistent BatchGetItem with the actor's standing.
 * The index is eventually consistent: a request created a moment ago may be missing from the list
 * (never from its own status read), and a total may count a request whose page moved it.
 */
export class DynamoRequestIndex implements RequestIndex {
  constructor(private readonly table: TableRef) {}

  async pageAsSeenBy(actor: ActorKey, query: RequestIndexQuery): Promise<{ requests: StoredRequest[]; totalElements: number; actorRevoked: boolean }> {
    const wanted = query.offset + query.size;
    const partitions = await Promise.all(partitionsFor(query).map((partition) => this.readPartition(partition, query, wanted)));
    const totalElements = partitions.reduce((sum, p) => sum + p.count, 0);
    const pageKeys = partitions
      .flatMap((p) => p.keys)
      .sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0))
      .slice(query.offset, wanted)
      .map(({ pk, sk }) => ({ pk, sk }));
    const { items, revoked } = await batchGetWithStanding(this.table, actor, pageKeys);
    const requests = pageKeys.map((key) => itemAt(items, key)).filter((item): item is Record<string, unknown> => item !== undefined) as unknown as StoredRequest[];
    return { requests, totalElements, actorRevoked: revoked };
  }

  /** The first `wanted` matching keys of one partition, newest first, and how many match in all. */
  private async readPartition(partition: RequestPartition, query: RequestIndexQuery, wanted: number): Promise<{ keys: IndexedKey[]; count: number }> {
    const names: Record<string, string> = { '#pk': partition.partitionKey, '#sk': partition.sortKey };
    const values: Record<string, unknown> = { ':pk': partition.value };
    let keyCondition = '#pk = :pk';
    if (query.overdueCreatedBefore !== undefined) {
      keyCondition += ' AND #sk < :before';
      values[':before'] = query.overdueCreatedBefore;
    }
    const filters: string[] = [];
    if (query.status !== undefined) {
      filters.push('#status = :status');
      values[':status'] = query.status;
    }
    if (query.overdueCreatedBefore !== undefined) {
      filters.push('#status <> :success');
      values[':success'] = 'SUCCESS';
    }
    if (query.type !== undefined) {
      filters.push('#type = :type');
      names['#type'] = 'type';
      values[':type'] = query.type;
    }
    if (filters.some((f) => f.includes('#status'))) names['#status'] = 'status';
    const base: Omit<QueryCommandInput, 'TableName'> = {
      IndexName: partition.indexName,
      KeyConditionExpression: keyCondition,
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
    };
    const found: IndexedKey[] = [];
    let count = 0;
    let start: Record<string, unknown> | undefined;
    // 1. The newest matches, keys only, until there are enough for the page.
    do {
      const page = await this.query({ ...base, ProjectionExpression: 'pk, sk, #sk', ExclusiveStartKey: start });
      for (const item of page.Items ?? []) {
        count += 1;
        if (found.length < wanted) found.push({ pk: String(item.pk), sk: String(item.sk), sortKey: String(item[partition.sortKey]) });
      }
      start = page.LastEvaluatedKey;
    } while (start && found.length < wanted);
    // 2. The rest is only counted.
    // DynamoDB refuses a name the expressions do not use: `#sk` is only in the projection unless the key condition has it.
    const countNames = { ...names };
    if (query.overdueCreatedBefore === undefined) delete countNames['#sk'];
    while (start) {
      const rest = await this.query({ ...base, ExpressionAttributeNames: countNames, Select: 'COUNT', ExclusiveStartKey: start });
      count += rest.Count ?? 0;
      start = rest.LastEvaluatedKey;
    }
    return { keys: found, count };
  }

  private query(input: Omit<QueryCommandInput, 'TableName'>) {
    return callDynamo(() => this.table.doc.send(new QueryCommand({ ...input, TableName: this.table.tableName })));
  }
}
