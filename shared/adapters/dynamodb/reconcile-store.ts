import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { REQUEST_SHARDS } from '../../../infra/catalog';
import type { RequestStatus } from '../../domain/model';
import { outboxEntryOf } from '../../outbox/outbox-relay';
import type { OpenRequest, PendingOutboxItem, ReconcileStore } from '../../schedule/reconcile';
import type { TableRef } from './client';
import { callDynamo } from './errors';
import { keys } from './keys';
import { queryAll, queryPages } from './query-pages';

/**
 * The reconciler's reads and its one write (keys.ts): the open requests are byTime's OPEN shards
 * (`timePk = REQUESTS_OPEN#<shard>`, `timeSk = <createdAt>#<requestId>`), one Query per shard with
 * `timeSk < :before`, keys and the projected status only; a request's leftover outbox items are one
 * consistent Query of `OUTBOX#<requestId>`; asking again for a receipt is one conditional UpdateItem.
 */
export class DynamoDbReconcileStore implements ReconcileStore {
  constructor(private readonly table: TableRef) {}

  async *openRequestsCreatedBefore(before: string): AsyncIterable<OpenRequest[]> {
    for (let shard = 0; shard < REQUEST_SHARDS; shard += 1) {
      const pages = queryPages(this.table, {
        IndexName: 'byTime',
        KeyConditionExpression: 'timePk = :pk AND timeSk < :before',
        ProjectionExpression: 'timeSk, #status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': keys.requestsShard('OPEN', shard).timePk, ':before': before },
      });
      for await (const page of pages) {
        yield page.flatMap((item): OpenRequest[] => {
          const sortKey = String(item.timeSk);
          const hash = sortKey.indexOf('#');
          if (hash < 0) return [];
          return [{ createdAt: sortKey.slice(0, hash), requestId: sortKey.slice(hash + 1), status: item.status as RequestStatus }];
        });
      }
    }
  }

  async outboxOf(requestId: string): Promise<PendingOutboxItem[]> {
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `${keys.outboxPrefix}${requestId}` },
      ConsistentRead: true,
    });
    return items.flatMap((item): PendingOutboxItem[] => {
      const entry = outboxEntryOf(item);
      return entry && typeof item.createdAt === 'string' ? [{ ...entry, createdAt: item.createdAt }] : [];
    });
  }

  async reaskReceipt(requestId: string, at: string, before: string): Promise<boolean> {
    try {
      await callDynamo(() =>
        this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: keys.request(requestId),
            // The flag stays set: the new image of this MODIFY passes the receipt signer's stream filter again.
            UpdateExpression: 'SET receiptReplayAt = :at',
            ConditionExpression:
              'attribute_exists(receiptPending) AND attribute_not_exists(receipt) AND #status = :success AND updatedAt < :before ' +
              'AND (attribute_not_exists(receiptReplayAt) OR receiptReplayAt < :before)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':at': at, ':before': before, ':success': 'SUCCESS' },
          }),
        ),
      );
      return true;
    } catch (error) {
      // Signed meanwhile, changed recently, or asked for less than a threshold ago: nothing to do.
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
