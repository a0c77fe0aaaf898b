import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { OUTCOMES_PER_WRITE, type BatchCommitResult, type BatchItem, type BatchStore, type StoredBatch } from '../../domain/bulk-deletion';
import type { DeletionFact, DeletionReceipt, IdempotencyClaim, NewRequest, StoredIdempotency } from '../../domain/deletion-ports';
import { cascadeWriteFor } from '../../outbox/outbox-writer';
import { addStandingConditions, sendWithStanding } from './actor-standing';
import { batchGetItems } from './batch-get';
import { queryAll } from './query-pages';
import type { TableRef } from './client';
import { idempotencyPut, outboxPuts } from './deletion-store';
import { callDynamo } from './errors';
import { requestItem } from './items';
import { keys } from './keys';
import { serviceMetrics, type ServiceMetrics } from '../../observability/metrics';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Batches on the single table (keys.ts): the batch is a request item (`REQUEST#<batchId>` / `REQUEST`)
 * that also holds its ids in the order given and the scopes its deletions are decided with; each
 * decided item is `REQUEST#<batchId>` / `ITEM#<customerId>` beside it, so one Query of the partition
 * reads a batch and its outcomes.
 */
export class DynamoBatchStore implements BatchStore {
  constructor(
    private readonly table: TableRef,
    /** Counts each committed batch by mode (its customers are counted as the split step deletes them). */
    private readonly metrics: ServiceMetrics = serviceMetrics,
  ) {}

  async commitBatch(commit: {
    request: NewRequest;
    fact: DeletionFact;
    customerIds: readonly string[];
    actorScopes: readonly string[];
    idempotency?: IdempotencyClaim;
    receipt: DeletionReceipt;
  }): Promise<BatchCommitResult> {
    const { tableName } = this.table;
    const cascade = cascadeWriteFor(commit.request, commit.fact);
    const items: TransactItem[] = [
      ...(commit.idempotency ? [idempotencyPut(tableName, commit.idempotency, commit.receipt)] : []),
      {
        Put: {
          TableName: tableName,
          Item: { ...requestItem(cascade.request), customerIds: [...commit.customerIds], actorScopes: [...commit.actorScopes] },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...outboxPuts(tableName, cascade, commit.receipt.deletedAt),
    ];
    const carriers = addStandingConditions(items, commit.request.actor, tableName);
    const outcome = await sendWithStanding(this.table.doc, items, carriers);
    if (outcome.kind === 'committed') {
      this.metrics.deletionAccepted(commit.request.type, commit.request.mode);
      return { kind: 'committed' };
    }
    if (outcome.revoked) return { kind: 'revoked' };
    if (commit.idempotency && outcome.reasons[0]?.Code === 'ConditionalCheckFailed') {
      const stored = outcome.oldItems[0];
      return { kind: 'replay', stored: { fingerprint: String(stored?.fingerprint), receipt: stored?.receipt as StoredIdempotency['receipt'] } };
    }
    throw outcome.error;
  }

  async loadBatch(batchId: string): Promise<{ batch: StoredBatch; outcomes: ReadonlyMap<string, BatchItem> } | undefined> {
    const partition = keys.request(batchId).pk;
    const items = await queryAll(this.table, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': partition }, ConsistentRead: true });
    const head = items.find((item) => item.sk === keys.request(batchId).sk);
    if (!head || head.type !== 'batch') return undefined;
    const outcomes = new Map<string, BatchItem>();
    for (const item of items) {
      if (typeof item.sk !== 'string' || !item.sk.startsWith(keys.batchItemPrefix)) continue;
      const { customerId, outcome, requestId, code } = item as unknown as BatchItem;
      outcomes.set(customerId, { customerId, outcome, ...(requestId ? { requestId } : {}), ...(code ? { code } : {}) });
    }
    const { customerIds, actorScopes, ...request } = head;
    return {
      batch: { request: request as unknown as StoredBatch['request'], customerIds: customerIds as string[], actorScopes: (actorScopes as string[] | undefined) ?? [] },
      outcomes,
    };
  }

  async parentsOf(customerIds: readonly string[]): Promise<ReadonlyMap<string, string | null>> {
    const found = await batchGetItems(this.table, customerIds.map((id) => keys.customer(id)), 'pk, sk, id, parentId');
    const parents = new Map<string, string | null>();
    for (const item of found.values()) parents.set(String(item.id), typeof item.parentId === 'string' ? item.parentId : null);
    return parents;
  }

  async recordOutcome(batchId: string, item: BatchItem, at: string): Promise<void> {
    try {
      await callDynamo(() =>
        this.table.doc.send(
          new PutCommand({
            TableName: this.table.tableName,
            Item: { ...keys.batchItem(batchId, item.customerId), entityType: 'batch-item', ...item, decidedAt: at },
            // The first decided outcome stands (a resumed run never rewrites one); a FAILED one may be retried.
            ConditionExpression: 'attribute_not_exists(pk) OR outcome = :failed',
            ExpressionAttributeValues: { ':failed': 'FAILED' },
          }),
        ),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }

  /**
   * Up to OUTCOMES_PER_WRITE outcomes in one BatchWriteItem (unconditional: the run writes only items it
   * decided, and only one run holds the split step's claim), retrying what DynamoDB leaves unprocessed.
   */
  async recordOutcomes(batchId: string, items: readonly BatchItem[], at: string): Promise<void> {
    for (let i = 0; i < items.length; i += OUTCOMES_PER_WRITE) {
      let requests: Record<string, unknown>[] = items
        .slice(i, i + OUTCOMES_PER_WRITE)
        .map((item) => ({ PutRequest: { Item: { ...keys.batchItem(batchId, item.customerId), entityType: 'batch-item', ...item, decidedAt: at } } }));
      for (let attempt = 0; requests.length > 0; attempt += 1) {
        if (attempt >= 8) throw new Error('BatchWriteItem left outcomes unprocessed after 8 attempts');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(200, 10 * 2 ** attempt)));
        const result = await callDynamo(() => this.table.doc.send(new BatchWriteCommand({ RequestItems: { [this.table.tableName]: requests as never } })));
        requests = (result.UnprocessedItems?.[this.table.tableName] ?? []) as Record<string, unknown>[];
      }
    }
  }
}
