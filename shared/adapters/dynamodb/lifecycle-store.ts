import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AuditRecord } from '../../domain/deletion-ports';
import type { HoldCommit, HoldCommitResult, LegalHold, LifecycleCustomer, LifecycleStore, RestoreCommit, RestoreCommitResult } from '../../domain/lifecycle-ports';
import { withConstraint } from './access-condition';
import { addStandingConditions, failedOnStanding } from './actor-standing';
import { DynamoDeletionStore } from './deletion-store';
import { callDynamo } from './errors';
import { keys } from './keys';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * The attributes that mark a DELETED customer for the scheduled purge: its date, the sparse purge
 * index's partition key, and why the schedule skipped it. A restore removes them all.
 */
const PURGE_MARKS = ['purgeAfter', 'purgePk', 'purgeBlockedBy'] as const;

/** What a soft delete stamped on the customer: a restored customer is ACTIVE with no trace of it but the audit trail and the old request. */
const DELETION_MARKS = ['deletedAt', 'deletedBy', 'deletedByAccount', 'deleteRequestId', 'deleteMode', 'deleteReason'] as const;

function toLifecycleCustomer(item: Record<string, unknown> | undefined): LifecycleCustomer | undefined {
  if (!item) return undefined;
  const hold = item.legalHold as LegalHold | undefined;
  return {
    id: String(item.id),
    parentId: (item.parentId as string | null | undefined) ?? null,
    status: item.status as LifecycleCustomer['status'],
    activeSubscriptions: Number(item.activeSubscriptions ?? 0),
    liveChildren: Number(item.liveChildren ?? 0),
    ...(typeof item.name === 'string' ? { name: item.name } : {}),
    ...(typeof item.email === 'string' ? { email: item.email } : {}),
    ...(hold && typeof hold === 'object' ? { legalHold: hold } : {}),
  };
}

/**
 * Restore and legal hold on the single table. A restore commits through the deletion store's own
 * plumbing (audit, request with its steps, outbox, the actor's standing: shared/adapters/dynamodb/
 * deletion-store.ts `commit`); a legal hold is the customer's `legalHold` attribute changed in one
 * transaction with its audit record and the actor's standing (actor-standing.ts).
 */
export class DynamoLifecycleStore implements LifecycleStore {
  private readonly deletions: DynamoDeletionStore;

  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {
    this.deletions = new DynamoDeletionStore(doc, tableName);
  }

  async getCustomer(customerId: string): Promise<LifecycleCustomer | undefined> {
    const result = await callDynamo(() => this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.customer(customerId), ConsistentRead: true })));
    return toLifecycleCustomer(result.Item);
  }

  writeAudit(record: AuditRecord): Promise<void> {
    return this.deletions.writeAudit(record);
  }

  async commitRestore(commit: RestoreCommit): Promise<RestoreCommitResult> {
    const { customerId, accessConstraint, expectedParentId, request } = commit;
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':deleted': 'DELETED',
      ':active': 'ACTIVE',
      ':at': commit.receipt.deletedAt,
      ':by': request.actor.sub,
      ':requestId': request.requestId,
    };
    let set = 'SET #status = :active, restoredAt = :at, restoredBy = :by, restoreRequestId = :requestId';
    let parentCondition: string;
    if (expectedParentId === null) {
      parentCondition = '(attribute_not_exists(parentId) OR attribute_type(parentId, :nullType))';
      values[':nullType'] = 'NULL';
    } else {
      parentCondition = 'parentId = :parent';
      values[':parent'] = expectedParentId;
      // Back in its parent's children index (a customer leaving ACTIVE leaves it).
      set += ', gsi1pk = :gsi1pk, gsi1sk = :gsi1sk';
      values[':gsi1pk'] = keys.customerChildrenIndex(expectedParentId).gsi1pk;
      values[':gsi1sk'] = keys.customerIndexSortKey(customerId);
    }
    const targetItems: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.customer(customerId),
          UpdateExpression: `${set} REMOVE ${[...PURGE_MARKS, ...DELETION_MARKS].join(', ')}`,
          // DELETED, as a purge requires too: of a restore and a purge of one customer, exactly one commits.
          ConditionExpression: withConstraint(`attribute_exists(pk) AND #status = :deleted AND ${parentCondition}`, names, values, accessConstraint),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ];
    if (expectedParentId !== null) {
      targetItems.push({
        Update: {
          TableName: this.tableName,
          Key: keys.customer(expectedParentId),
          UpdateExpression: 'SET liveChildren = if_not_exists(liveChildren, :zero) + :one',
          ConditionExpression: 'attribute_exists(pk) AND #status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':active': 'ACTIVE' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    }
    const result = await this.deletions.commit(commit, targetItems, async () => ({ kind: 'refused', customer: undefined }));
    switch (result.kind) {
      case 'committed':
      case 'contended':
      case 'revoked':
        return result;
      case 'refused': {
        // Rare (the customer or its parent changed since the read): read both again to explain it.
        const customer = await this.getCustomer(customerId);
        const parent = customer?.parentId ? await this.getCustomer(customer.parentId) : undefined;
        return { kind: 'refused', customer, parent };
      }
      case 'replay':
        throw new Error('a restore carries no Idempotency-Key');
    }
  }

  async commitLegalHold(commit: HoldCommit): Promise<HoldCommitResult> {
    const { customerId, change } = commit;
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':purged': 'PURGED' };
    let update: string;
    let condition = 'attribute_exists(pk) AND #status <> :purged';
    if (change.kind === 'place') {
      update = 'SET legalHold = :hold';
      values[':hold'] = change.hold;
    } else {
      update = 'REMOVE legalHold';
      condition += ' AND attribute_exists(legalHold)';
    }
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.customer(customerId),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.audit(customerId, commit.audit.at, commit.audit.auditId), entityType: 'audit', ...commit.audit },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    const carriers = addStandingConditions(items, commit.actor, this.tableName);
    try {
      await callDynamo(() => this.doc.send(new TransactWriteCommand({ TransactItems: items })));
      return { kind: 'committed' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const oldItems = reasons.map((r) => (r.Item ? unmarshall(r.Item as Record<string, AttributeValue>) : undefined));
      if (failedOnStanding(carriers, reasons, oldItems)) return { kind: 'revoked' };
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return { kind: 'refused', customer: toLifecycleCustomer(oldItems[0]) };
      if (reasons.some((r) => r.Code === 'TransactionConflict')) return { kind: 'contended' };
      throw error;
    }
  }
}
