import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  AuditRecord,
  CommitResult,
  CustomerDeletionCommit,
  CustomerPurgeCommit,
  DeletionCommit,
  DeletionReceipt,
  DeletionStore,
  IdempotencyClaim,
  StoredIdempotency,
  UserDeletionCommit,
  DeletionImpact,
} from '../../domain/deletion-ports';
import type { CustomerState, UserState } from '../../domain/deletion-rules';
import type { Subject } from '../../domain/model';
import { cascadeWriteFor, type CascadeWrite } from '../../outbox/outbox-writer';
import { withConstraint } from './access-condition';
import { addStandingConditions, sendWithStanding, standingKeys } from './actor-standing';
import { contactFields, customerCore, customerTransition, parentCounterMove, parentIsCondition } from './customer-items';
import { batchGetItems, itemKeyOf } from './batch-get';
import type { TableRef } from './client';
import { callDynamo } from './errors';
import { requestItem } from './items';
import { serviceMetrics, type ServiceMetrics } from '../../observability/metrics';
import { keys } from './keys';
import { queryAll, queryPages, type QueryInput } from './query-pages';

/** DynamoDB's limit on the items of one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

function toCustomerState(item: Record<string, unknown> | undefined): (CustomerState & { name?: string; email?: string }) | undefined {
  if (!item) return undefined;
  return {
    ...customerCore(item),
    ...contactFields(item),
    ...lifecycleState(item),
  };
}

/** What a hard delete or a purge needs of the customer item's lifecycle attributes. */
function lifecycleState(item: Record<string, unknown>): Pick<CustomerState, 'onLegalHold' | 'deleteRequestId' | 'purgeAfter'> {
  return {
    ...(item.legalHold !== undefined && item.legalHold !== null ? { onLegalHold: true } : {}),
    ...(typeof item.deleteRequestId === 'string' ? { deleteRequestId: item.deleteRequestId } : {}),
    ...(typeof item.purgeAfter === 'string' ? { purgeAfter: item.purgeAfter } : {}),
  };
}

/** The purge index's partition (catalog `byPurgeDate`): every DELETED customer waiting for its purge. */
export const PURGE_INDEX_PARTITION = 'PURGE';

/** A user's personal fields erased, in a hard delete's or a purge's transaction (the erasure step does the same to the rest). */
function eraseUserItem(tableName: string, customerId: string, userId: string, at: string, requestId: string): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: keys.user(customerId, userId),
      UpdateExpression: 'SET #status = :deleted, erasedAt = :at, erasedByRequestId = :requestId REMOVE #name, email',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status', '#name': 'name' },
      ExpressionAttributeValues: { ':deleted': 'DELETED', ':at': at, ':requestId': requestId },
    },
  };
}

function toUserState(item: Record<string, unknown> | undefined): (UserState & { name?: string; email?: string }) | undefined {
  if (!item) return undefined;
  return {
    id: String(item.id),
    customerId: String(item.customerId),
    status: item.status as UserState['status'],
    ...(typeof item.name === 'string' ? { name: item.name } : {}),
    ...(typeof item.email === 'string' ? { email: item.email } : {}),
  };
}

/**
 * The deletion store on the single table. A deletion is one TransactWriteItems: the target's
 * state change (with the conditions that decide 404/403/409), the audit record, the request with
 * its steps, one outbox event per step (shared/outbox/outbox-writer.ts), and the Idempotency-Key
 * record: all or nothing.
 */
export class DynamoDeletionStore implements DeletionStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Counts each committed request by type and mode (not a refusal, not a replay). */
    private readonly metrics: ServiceMetrics = serviceMetrics,
  ) {}

  private get table(): TableRef {
    return { doc: this.doc, tableName: this.tableName };
  }

  async getCustomer(customerId: string) {
    const result = await callDynamo(() => this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.customer(customerId), ConsistentRead: true })));
    return toCustomerState(result.Item);
  }

  async isRequestInProgress(requestId: string): Promise<boolean> {
    const result = await callDynamo(() =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.request(requestId),
          ConsistentRead: true,
          ProjectionExpression: '#status',
          ExpressionAttributeNames: { '#status': 'status' },
        }),
      ),
    );
    return result.Item?.status === 'IN_PROGRESS';
  }

  async getUser(customerId: string, userId: string) {
    const result = await callDynamo(() => this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.user(customerId, userId), ConsistentRead: true })));
    return toUserState(result.Item);
  }

  /**
   * One consistent Query from the customer's PROFILE item on: the profile, then (in key order) its
   * SESSION# items, filtered out by DynamoDB, and its USER# items. DEVICE# keys sort before PROFILE and
   * are not read. One request unless the sessions and users pass 1 MB (then one more per MB).
   */
  async getCustomerWithUserIds(customerId: string) {
    let customer: Record<string, unknown> | undefined;
    const userIds: string[] = [];
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk AND sk >= :profile',
      // A filter may not name a key attribute: the items' own entityType tells profile and users from sessions.
      FilterExpression: 'entityType IN (:customer, :user)',
      ExpressionAttributeValues: { ':pk': keys.customerPartition(customerId), ':profile': keys.customer(customerId).sk, ':customer': 'customer', ':user': 'user' },
      ConsistentRead: true,
    });
    for (const item of items) {
      if (item.sk === keys.customer(customerId).sk) customer = item;
      else userIds.push(String(item.id));
    }
    return { customer: toCustomerState(customer), userIds };
  }

  /** The customer and one of its users in one consistent BatchGetItem (both keys, whichever exist). */
  async getCustomerAndUser(customerId: string, userId: string) {
    const customerKey = keys.customer(customerId);
    const userKey = keys.user(customerId, userId);
    const found = await batchGetItems(this.table, [customerKey, userKey]);
    return { customer: toCustomerState(found.get(itemKeyOf(customerKey))), user: toUserState(found.get(itemKeyOf(userKey))) };
  }

  async listUserIds(customerId: string): Promise<string[]> {
    return this.queryIds({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.customerPartition(customerId), ':prefix': keys.prefixes.user },
    });
  }

  async deletionImpact(subject: Subject): Promise<DeletionImpact> {
    const impact: DeletionImpact = { users: 0, devices: 0, activeSessions: 0 };
    const onlyUser = subject.type === 'user' ? subject.userId : undefined;
    const pages = queryPages(this.table, {
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#status = :active',
      ProjectionExpression: 'sk, id, userId',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': keys.customerPartition(subject.customerId), ':active': 'ACTIVE' },
      ConsistentRead: true,
    });
    for await (const page of pages) {
      for (const item of page) {
        const sk = String(item.sk);
        if (sk.startsWith(keys.prefixes.user)) {
          if (onlyUser === undefined || item.id === onlyUser) impact.users += 1;
        } else if (onlyUser === undefined || item.userId === onlyUser) {
          if (sk.startsWith(keys.prefixes.device)) impact.devices += 1;
          else if (sk.startsWith(keys.prefixes.session)) impact.activeSessions += 1;
        }
      }
    }
    return impact;
  }

  async liveSubCustomerIds(customerId: string, limit: number): Promise<string[]> {
    // Only live customers are in the children index (a deletion removes its keys, a restore puts them
    // back), so one page with a Limit is exact: no filter reads and drops, however many children.
    const page = await callDynamo(() =>
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byParent',
          KeyConditionExpression: 'gsi1pk = :parent',
          ExpressionAttributeValues: { ':parent': keys.customerChildrenIndex(customerId).gsi1pk },
          ProjectionExpression: 'id',
          Limit: limit,
        }),
      ),
    );
    return (page.Items ?? []).map((item) => String(item.id));
  }

  async getIdempotency(accountId: string, key: string): Promise<StoredIdempotency | undefined> {
    const result = await callDynamo(() => this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.idempotency(accountId, key), ConsistentRead: true })));
    return result.Item ? { fingerprint: String(result.Item.fingerprint), receipt: result.Item.receipt as StoredIdempotency['receipt'] } : undefined;
  }

  async writeAudit(record: AuditRecord): Promise<void> {
    await callDynamo(() =>
      this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.auditItem(record), ConditionExpression: 'attribute_not_exists(pk)' })),
    );
  }

  async commitCustomerDeletion(commit: CustomerDeletionCommit): Promise<CommitResult> {
    const { customerId, accessConstraint, expectedParentId, mode, request } = commit;
    const at = commit.receipt.deletedAt;
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':active': 'ACTIVE',
      ':zero': 0,
      ':newStatus': mode === 'hard' ? 'PURGED' : 'DELETED',
      ':at': at,
      ':by': request.actor.sub,
      ':byAccount': request.actor.accountId,
      ':requestId': request.requestId,
      ':mode': mode,
    };
    // The parent whose counter this commit decrements must be the target's (not authorization: that is the constraint below).
    const parentCondition = parentIsCondition(expectedParentId, values);
    let update = 'SET #status = :newStatus, deletedAt = :at, deletedBy = :by, deletedByAccount = :byAccount, deleteRequestId = :requestId, deleteMode = :mode';
    // A customer that is no longer live leaves its parent's children index (the 409's bounded list).
    const removed = ['gsi1pk', 'gsi1sk'];
    if (request.reason) {
      update += ', deleteReason = :reason';
      values[':reason'] = request.reason;
    }
    if (mode === 'soft' && commit.receipt.purgeAfter) {
      // Into the sparse purge index, by purge date: the scheduled purge finds it there when due.
      update += ', purgeAfter = :purgeAfter, purgePk = :purgePk';
      values[':purgeAfter'] = commit.receipt.purgeAfter;
      values[':purgePk'] = PURGE_INDEX_PARTITION;
    }
    if (mode === 'hard') {
      // The PII-free tombstone: ids, status and the deletion facts stay; the person does not.
      names['#name'] = 'name';
      removed.push('#name', 'email');
    }
    update += ` REMOVE ${removed.join(', ')}`;
    const targetItems: TransactItem[] = [
      customerTransition(this.tableName, customerId, {
        update,
        // A legal hold blocks a hard delete, not a soft one.
        condition: `attribute_exists(pk) AND #status = :active AND activeSubscriptions = :zero AND liveChildren = :zero AND ${parentCondition}${mode === 'hard' ? ' AND attribute_not_exists(legalHold)' : ''}`,
        names,
        values,
        constraint: accessConstraint,
      }),
    ];
    if (expectedParentId !== null) {
      targetItems.push(parentCounterMove(this.tableName, expectedParentId, 'down'));
    }
    // The users go into whatever room the transaction has left; those beyond it are erased by the
    // request's erasure step (a hard delete always has one), which SQS retries until done.
    return this.commit(commit, targetItems, (reasons) => ({ kind: 'refused', customer: toCustomerState(reasons[0]) }), (room) =>
      commit.eraseUserIds.slice(0, room).map((userId) => eraseUserItem(this.tableName, customerId, userId, at, request.requestId)),
    );
  }

  /**
   * A purge (DELETED → PURGED): the same tombstone as a hard delete (name and email removed, the
   * users the transaction has room for erased, the rest by the request's erasure step), out of the
   * purge index, in one transaction with its audit, request and outbox, and the actor's standing
   * (`commit`). Conditions: still DELETED by the same soft delete, no legal hold, the policy's
   * constraint (a due purge: the purge date has passed), and the soft delete's own request no longer
   * IN_PROGRESS (a ConditionCheck on it).
   */
  async commitCustomerPurge(commit: CustomerPurgeCommit): Promise<CommitResult> {
    const { customerId, accessConstraint, deleteRequestId, request } = commit;
    const at = commit.receipt.deletedAt;
    const names: Record<string, string> = { '#status': 'status', '#name': 'name' };
    const values: Record<string, unknown> = {
      ':deleted': 'DELETED',
      ':purged': 'PURGED',
      ':at': at,
      ':by': request.actor.sub,
      ':byAccount': request.actor.accountId,
      ':requestId': request.requestId,
    };
    let condition = 'attribute_exists(pk) AND #status = :deleted AND attribute_not_exists(legalHold)';
    if (deleteRequestId === null) {
      condition += ' AND attribute_not_exists(deleteRequestId)';
    } else {
      condition += ' AND deleteRequestId = :deleteRequestId';
      values[':deleteRequestId'] = deleteRequestId;
    }
    let update = 'SET #status = :purged, purgedAt = :at, purgedBy = :by, purgedByAccount = :byAccount, purgeRequestId = :requestId';
    if (request.reason) {
      update += ', purgeReason = :reason';
      values[':reason'] = request.reason;
    }
    // The PII-free tombstone, out of the purge index (purgeAfter stays: when it was due).
    update += ' REMOVE #name, email, purgePk, purgeBlockedBy';
    const targetItems: TransactItem[] = [
      customerTransition(this.tableName, customerId, { update, condition, names, values, constraint: accessConstraint }),
    ];
    if (deleteRequestId !== null) {
      // The soft delete's e-mail step may still need the address this purge erases: wait for its request.
      targetItems.push({
        ConditionCheck: {
          TableName: this.tableName,
          Key: keys.request(deleteRequestId),
          ConditionExpression: 'attribute_not_exists(pk) OR #status <> :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    }
    return this.commit(
      commit,
      targetItems,
      async (oldItems) => {
        // Only the failed items come back: a customer that passed its condition is read again.
        const customer = oldItems[0] ? toCustomerState(oldItems[0]) : await this.getCustomer(customerId);
        const inProgress = oldItems[1]?.status === 'IN_PROGRESS';
        return { kind: 'refused', customer: customer && inProgress ? { ...customer, deleteRequestInProgress: true } : customer };
      },
      (room) => commit.eraseUserIds.slice(0, room).map((userId) => eraseUserItem(this.tableName, customerId, userId, at, request.requestId)),
    );
  }

  async commitUserDeletion(commit: UserDeletionCommit): Promise<CommitResult> {
    const { customerId, userId, accessConstraint, request } = commit;
    const at = commit.receipt.deletedAt;
    const eligibilityNames: Record<string, string> = { '#status': 'status' };
    const eligibilityValues: Record<string, unknown> = { ':active': 'ACTIVE' };
    const eligibility = withConstraint('attribute_exists(pk) AND #status = :active', eligibilityNames, eligibilityValues, accessConstraint);
    const targetItems: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.user(customerId, userId),
          UpdateExpression: 'SET #status = :deleted, deletedAt = :at, deletedBy = :by, deleteRequestId = :requestId REMOVE #name, email',
          ConditionExpression: 'attribute_exists(pk) AND #status = :active',
          ExpressionAttributeNames: { '#status': 'status', '#name': 'name' },
          ExpressionAttributeValues: { ':deleted': 'DELETED', ':active': 'ACTIVE', ':at': at, ':by': request.actor.sub, ':requestId': request.requestId },
        },
      },
      {
        // Eligibility, atomically with the write: the customer is live and meets the policy's constraint.
        ConditionCheck: {
          TableName: this.tableName,
          Key: keys.customer(customerId),
          ConditionExpression: eligibility,
          ExpressionAttributeNames: eligibilityNames,
          ExpressionAttributeValues: eligibilityValues,
        },
      },
    ];
    // A refusal here is rare (a race with the read that preceded it): read both again to explain it.
    return this.commit(commit, targetItems, async () => {
      const [customer, user] = await Promise.all([this.getCustomer(customerId), this.getUser(customerId, userId)]);
      return { kind: 'refused', customer, user };
    });
  }

  /**
   * Adds what every deletion commits (idempotency first, audit, request, outbox) and runs the
   * transaction. `fill` may add items into the room the transaction has left, computed here where
   * the transaction is built. Public for the lifecycle store (a restore commits the same parts:
   * shared/adapters/dynamodb/lifecycle-store.ts).
   */
  async commit(
    commit: DeletionCommit,
    targetItems: TransactItem[],
    explainRefusal: (oldItems: (Record<string, unknown> | undefined)[]) => CommitResult | Promise<CommitResult>,
    fill: (room: number) => TransactItem[] = () => [],
  ): Promise<CommitResult> {
    const cascade = cascadeWriteFor(commit.request, commit.fact);
    const shared: TransactItem[] = [
      { Put: { TableName: this.tableName, Item: this.auditItem(commit.audit), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: this.tableName, Item: requestItem(cascade.request), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...outboxPuts(this.tableName, cascade, commit.receipt.deletedAt),
    ];
    const idempotency: TransactItem[] = commit.idempotency ? [idempotencyPut(this.tableName, commit.idempotency, commit.receipt)] : [];
    const items = [...idempotency, ...targetItems, ...shared];
    const actor = commit.request.actor;
    const standingCarriers = addStandingConditions(items, actor, this.tableName);
    // The actor's own items already carry its standing: a second operation on one of them would be refused.
    const { login } = standingKeys(actor);
    items.push(...fill(MAX_TRANSACTION_ITEMS - items.length).filter((item) => !(item.Update?.Key?.pk === login.pk && item.Update?.Key?.sk === login.sk)));
    const outcome = await sendWithStanding(this.doc, items, standingCarriers);
    if (outcome.kind === 'committed') {
      this.metrics.deletionAccepted(commit.request.type, commit.request.mode);
      return outcome;
    }
    const { reasons, oldItems } = outcome;
    // Which answer wins: a revoked actor before anything else.
    if (outcome.revoked) return { kind: 'revoked' };
    if (commit.idempotency && reasons[0]?.Code === 'ConditionalCheckFailed') {
      const stored = oldItems[0];
      return { kind: 'replay', stored: { fingerprint: String(stored?.fingerprint), receipt: stored?.receipt as StoredIdempotency['receipt'] } };
    }
    const targetReasons = reasons.slice(idempotency.length, idempotency.length + targetItems.length);
    if (targetReasons.some((r) => r.Code === 'ConditionalCheckFailed')) {
      return explainRefusal(oldItems.slice(idempotency.length, idempotency.length + targetItems.length));
    }
    if (reasons.some((r) => r.Code === 'TransactionConflict')) return { kind: 'contended' };
    throw outcome.error;
  }

  private auditItem(record: AuditRecord): Record<string, unknown> {
    return { ...keys.audit(record.target.customerId, record.at, record.auditId), entityType: 'audit', ...record };
  }

  private async queryIds(input: QueryInput): Promise<string[]> {
    return (await queryAll(this.table, input)).map((item) => String(item.id));
  }
}

/** The outbox items of a request's cascade: one per joining step, each new (never overwriting). */
export function outboxPuts(tableName: string, cascade: CascadeWrite, createdAt: string): TransactItem[] {
  return cascade.outbox.map(
    (outbox): TransactItem => ({
      Put: {
        TableName: tableName,
        Item: {
          ...keys.outbox(cascade.request.requestId, outbox.queue),
          entityType: 'outbox',
          queue: outbox.queue,
          eventId: outbox.event.eventId,
          requestId: cascade.request.requestId,
          body: JSON.stringify(outbox.event),
          createdAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }),
  );
}

/** An Idempotency-Key's record, first in its transaction: a key already taken fails it and returns what it stored (ALL_OLD). */
export function idempotencyPut(tableName: string, claim: IdempotencyClaim, receipt: DeletionReceipt): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keys.idempotency(claim.accountId, claim.key),
        entityType: 'idempotency',
        fingerprint: claim.fingerprint,
        receipt,
        expiresAt: claim.expiresAtEpochSeconds,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}
