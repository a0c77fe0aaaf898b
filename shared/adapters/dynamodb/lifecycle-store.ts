import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../../domain/deletion-ports';
import type { HoldCommit, HoldCommitResult, LegalHold, LifecycleCustomer, LifecycleStore, RestoreCommit, RestoreCommitResult } from '../../domain/lifecycle-ports';
import { addStandingConditions, sendWithStanding } from './actor-standing';
import { DynamoDeletionStore } from './deletion-store';
import { contactFields, customerCore, customerTransition, parentCounterMove, parentIsCondition } from './customer-items';
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
    ...customerCore(item),
    ...contactFields(item),
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
    const parentCondition = parentIsCondition(expectedParentId, values);
    if (expectedParentId !== null) {
      // Back in its parent's children index (a customer leaving ACTIVE leaves it).
      set += ', gsi1pk = :gsi1pk, gsi1sk = :gsi1sk';
      values[':gsi1pk'] = keys.customerChildrenIndex(expectedParentId).gsi1pk;
      values[':gsi1sk'] = keys.customerIndexSortKey(customerId);
    }
    const targetItems: TransactItem[] = [
      customerTransition(this.tableName, customerId, {
        update: `${set} REMOVE ${[...PURGE_MARKS, ...DELETION_MARKS].join(', ')}`,
        // DELETED, as a purge requires too: of a restore and a purge of one customer, exactly one commits.
        condition: `attribute_exists(pk) AND #status = :deleted AND ${parentCondition}`,
        names,
        values,
        constraint: accessConstraint,
      }),
    ];
    if (expectedParentId !== null) {
      targetItems.push(parentCounterMove(this.tableName, expectedParentId, 'up'));
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
    const outcome = await sendWithStanding(this.doc, items, carriers);
    if (outcome.kind === 'committed') return outcome;
    if (outcome.revoked) return { kind: 'revoked' };
    if (outcome.reasons[0]?.Code === 'ConditionalCheckFailed') return { kind: 'refused', customer: toLifecycleCustomer(outcome.oldItems[0]) };
    if (outcome.reasons.some((r) => r.Code === 'TransactionConflict')) return { kind: 'contended' };
    throw outcome.error;
  }
}
