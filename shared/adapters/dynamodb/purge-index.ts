import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DueCustomer, DuePurges } from '../../schedule/purge-due';
import type { TableRef } from './client';
import { PURGE_INDEX_PARTITION } from './deletion-store';
import { callDynamo } from './errors';
import { keys } from './keys';
import { queryPages } from './query-pages';

/** Customers read from the purge index per page: one Query, a few hundred purges at most per page. */
const PAGE_SIZE = 100;

/**
 * The sparse `byPurgeDate` index (infra/catalog.ts): only DELETED customers waiting for their purge
 * are in it (a soft delete sets `purgePk`; a purge or a restore removes it), sorted by `purgeAfter`.
 * "Who is due" is one Query of its partition up to now, paged: never a scan of the table.
 */
export class DynamoDbDuePurges implements DuePurges {
  constructor(private readonly table: TableRef) {}

  async *due(at: string): AsyncIterable<DueCustomer[]> {
    const pages = queryPages(this.table, {
      IndexName: 'byPurgeDate',
      KeyConditionExpression: 'purgePk = :partition AND purgeAfter <= :at',
      ProjectionExpression: 'id, purgeAfter, legalHold, purgeBlockedBy',
      ExpressionAttributeValues: { ':partition': PURGE_INDEX_PARTITION, ':at': at },
      Limit: PAGE_SIZE,
    });
    for await (const page of pages) {
      yield page.map((item) => ({
        customerId: String(item.id),
        held: item.legalHold !== undefined && item.legalHold !== null,
        ...(typeof item.purgeBlockedBy === 'string' ? { blockedBy: item.purgeBlockedBy } : {}),
      }));
    }
  }

  /** Shows on the customer why its due purge waits: set while the hold stands (a purge or a restore removes it). */
  async markBlocked(customerId: string, blocker: 'legalHold'): Promise<void> {
    try {
      await callDynamo(() =>
        this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: keys.customer(customerId),
            UpdateExpression: 'SET purgeBlockedBy = :blocker',
            ConditionExpression: 'attribute_exists(legalHold) AND #status = :deleted',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':blocker': blocker, ':deleted': 'DELETED' },
          }),
        ),
      );
    } catch (error) {
      // Released or restored since the index was read: nothing to show.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
