import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CascadeStepError } from '../../domain/cascade-errors';
import type { Subject } from '../../domain/model';
import { mapWithConcurrency } from '../../workers/concurrency';
import type { DeviceRevoker, LoginEraser, WorkContext } from '../../workers/ports';
import { keys } from './keys';
import { PROCESSED_MARKER_TTL_DAYS } from './processed-events';

/** One status change applied to every item of a kind (devices, sessions) that belongs to a subject. */
export interface SubjectItemTransition {
  /** Sort key prefix of the items, e.g. `DEVICE#`. */
  prefix: string;
  from: string;
  to: string;
  /** Attribute stamped with the attempt's time, e.g. `revokedAt`. */
  timeAttribute: string;
  /** Attribute stamped with the deletion request's id, e.g. `revokedByRequestId`. */
  requestAttribute: string;
  /** Attributes the transition removes (personal data), if any. */
  removeAttributes?: readonly string[];
}

/**
 * A consumer's run spent its time budget before its work was done: what it finished is recorded
 * (each item's own state, or a checkpoint), so the retry SQS makes of the message resumes after it.
 */
export class WorkIncompleteError extends CascadeStepError {
  readonly permanent = false;
}

/** How long one run may keep starting work (`budgetMs`, from the run's start on `now`'s clock, in ms). */
export interface WorkBudget {
  budgetMs?: number;
  now?: () => number;
}

/** A deadline from a budget: `spent()` once no new work may start. No budget, never spent. */
export function deadlineOf(budget: WorkBudget = {}): { spent: () => boolean } {
  const now = budget.now ?? Date.now;
  if (budget.budgetMs === undefined) return { spent: () => false };
  const deadline = now() + budget.budgetMs;
  return { spent: () => now() >= deadline };
}

/**
 * Moves every `from` item of the subject to `to`. The query pages through the customer's partition
 * (a user subject keeps only that user's items) and reads only items still in `from`; each update
 * is conditional on `status = from`, so a retry or a duplicate never touches an item twice and a
 * run cut short (its time budget spent, a timeout, a fault) resumes where it stopped: the items it
 * finished are no longer `from`. Updates run a few at a time per page. With a budget, no update
 * starts once it is spent: the updates in flight finish, and the run fails with WorkIncompleteError.
 */
/** Updates of one page in flight at once: enough to hide latency, few enough not to throttle a partition. */
export const UPDATES_IN_FLIGHT = 10;

export async function transitionSubjectItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  subject: Subject,
  transition: SubjectItemTransition,
  context: WorkContext,
  budget: WorkBudget = {},
): Promise<{ changed: number; skipped: number }> {
  const userFilter = subject.type === 'user';
  const deadline = deadlineOf(budget);
  let changed = 0;
  let skipped = 0;
  let outOfTime = false;
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: userFilter ? '#status = :from AND userId = :userId' : '#status = :from',
        ProjectionExpression: 'pk, sk',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pk': keys.customerPartition(subject.customerId),
          ':prefix': transition.prefix,
          ':from': transition.from,
          ...(userFilter ? { ':userId': subject.userId } : {}),
        },
        ConsistentRead: true,
        ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
      }),
    );
    const results = await mapWithConcurrency(page.Items ?? [], UPDATES_IN_FLIGHT, async (item) => {
      if (outOfTime || deadline.spent()) {
        outOfTime = true;
        return undefined;
      }
      try {
        await doc.send(new UpdateCommand(transitionUpdate(tableName, { pk: item.pk as string, sk: item.sk as string }, subject, transition, context)));
        return true;
      } catch (error) {
        // Changed since the query (a concurrent delivery got there first): nothing left to do.
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    });
    const done = results.filter((result) => result === true).length;
    changed += done;
    skipped += results.filter((result) => result === false).length;
    if (outOfTime) throw new WorkIncompleteError(`Time budget spent after ${changed} items changed in this run; retried`);
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return { changed, skipped };
}

/** One item's conditional update of a transition (what the bench's floor sends too). */
export function transitionUpdate(tableName: string, key: { pk: string; sk: string }, subject: Subject, transition: SubjectItemTransition, context: WorkContext) {
  const userFilter = subject.type === 'user';
  const removed = transition.removeAttributes ?? [];
  const removeNames = Object.fromEntries(removed.map((name, i) => [`#remove${i}`, name]));
  const removeClause = removed.length > 0 ? ` REMOVE ${Object.keys(removeNames).join(', ')}` : '';
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: `SET #status = :to, #time = :at, #request = :requestId${removeClause}`,
    ConditionExpression: userFilter ? '#status = :from AND userId = :userId' : '#status = :from',
    ExpressionAttributeNames: { '#status': 'status', '#time': transition.timeAttribute, '#request': transition.requestAttribute, ...removeNames },
    ExpressionAttributeValues: {
      ':to': transition.to,
      ':from': transition.from,
      ':at': context.at,
      ':requestId': context.requestId,
      ...(subject.type === 'user' ? { ':userId': subject.userId } : {}),
    },
  };
}

export const deviceRevocation: SubjectItemTransition = {
  prefix: keys.prefixes.device,
  from: 'ACTIVE',
  to: 'REVOKED',
  timeAttribute: 'revokedAt',
  requestAttribute: 'revokedByRequestId',
};

export const sessionTermination: SubjectItemTransition = {
  prefix: keys.prefixes.session,
  from: 'ACTIVE',
  to: 'TERMINATED',
  timeAttribute: 'terminatedAt',
  requestAttribute: 'terminatedByRequestId',
};

/** A purged customer's logins: personal fields removed, as the hard-delete transaction does for the users it holds. */
export const userErasure: SubjectItemTransition = {
  prefix: keys.prefixes.user,
  from: 'ACTIVE',
  to: 'DELETED',
  timeAttribute: 'erasedAt',
  requestAttribute: 'erasedByRequestId',
  removeAttributes: ['name', 'email'],
};

/** Erases the logins of a hard-deleted customer that its deletion transaction had no room for. */
export class DynamoDbLoginEraser implements LoginEraser {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string, private readonly budget: WorkBudget = {}) {}

  async eraseRemaining(customerId: string, context: WorkContext): Promise<{ erased: number }> {
    const { changed } = await transitionSubjectItems(this.doc, this.tableName, { type: 'customer', customerId }, userErasure, context, this.budget);
    return { erased: changed };
  }
}

/** Revokes the subject's devices in the table. */
export class DynamoDbDeviceRevoker implements DeviceRevoker {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string, private readonly budget: WorkBudget = {}) {}

  async revokeAll(subject: Subject, context: WorkContext): Promise<{ revoked: number }> {
    const { changed } = await transitionSubjectItems(this.doc, this.tableName, subject, deviceRevocation, context, this.budget);
    return { revoked: changed };
  }
}

/**
 * What one event's run of a step has finished, when the finished work leaves no trace of its own in
 * the table (the identity step's calls to the provider): a checkpoint item beside the request
 * (`REQUEST#<requestId>` / `CHECKPOINT#<step>#<eventId>`, the step's bookkeeping keys), a string
 * set that only grows, kept as long as the consumers' markers. A retried run reads it once and skips what it names.
 */
export class DynamoDbStepCheckpoint {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string, private readonly step: string) {}

  private key(context: Pick<WorkContext, 'requestId' | 'eventId'>) {
    return keys.stepCheckpoint(context.requestId, this.step, context.eventId);
  }

  async done(context: Pick<WorkContext, 'requestId' | 'eventId'>): Promise<ReadonlySet<string>> {
    const result = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: this.key(context), ProjectionExpression: 'done', ConsistentRead: true }));
    const done = result.Item?.done as Set<string> | undefined;
    return new Set(done ?? []);
  }

  async add(context: Pick<WorkContext, 'requestId' | 'eventId'>, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(context),
        UpdateExpression: 'ADD done :ids SET entityType = :type, expiresAt = if_not_exists(expiresAt, :expires)',
        ExpressionAttributeValues: { ':ids': new Set(ids), ':type': 'step-checkpoint', ':expires': Math.floor(Date.now() / 1000) + PROCESSED_MARKER_TTL_DAYS * 24 * 3600 },
      }),
    );
  }
}
