import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Subject } from '../../domain/model';
import { mapWithConcurrency } from '../../workers/concurrency';
import type { DeviceRevoker, LoginEraser, WorkContext } from '../../workers/ports';
import { keys } from './keys';

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
 * Moves every `from` item of the subject to `to`. The query pages through the customer's partition
 * (a user subject keeps only that user's items) and reads only items still in `from`; each update
 * is conditional on `status = from`, so a retry or a duplicate never touches an item twice and a
 * run cut short (timeout) resumes where it stopped. Updates run a few at a time per page.
 */
/** Updates of one page in flight at once: enough to hide latency, few enough not to throttle a partition. */
const UPDATES_IN_FLIGHT = 10;

export async function transitionSubjectItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  subject: Subject,
  transition: SubjectItemTransition,
  context: WorkContext,
): Promise<{ changed: number; skipped: number }> {
  const userFilter = subject.type === 'user';
  let changed = 0;
  let skipped = 0;
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
    const removed = transition.removeAttributes ?? [];
    const removeNames = Object.fromEntries(removed.map((name, i) => [`#remove${i}`, name]));
    const removeClause = removed.length > 0 ? ` REMOVE ${Object.keys(removeNames).join(', ')}` : '';
    const results = await mapWithConcurrency(page.Items ?? [], UPDATES_IN_FLIGHT, async (item) => {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk as string, sk: item.sk as string },
            UpdateExpression: `SET #status = :to, #time = :at, #request = :requestId${removeClause}`,
            ConditionExpression: userFilter ? '#status = :from AND userId = :userId' : '#status = :from',
            ExpressionAttributeNames: { '#status': 'status', '#time': transition.timeAttribute, '#request': transition.requestAttribute, ...removeNames },
            ExpressionAttributeValues: {
              ':to': transition.to,
              ':from': transition.from,
              ':at': context.at,
              ':requestId': context.requestId,
              ...(userFilter ? { ':userId': subject.userId } : {}),
            },
          }),
        );
        return true;
      } catch (error) {
        // Changed since the query (a concurrent delivery got there first): nothing left to do.
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    });
    const done = results.filter(Boolean).length;
    changed += done;
    skipped += results.length - done;
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return { changed, skipped };
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
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  async eraseRemaining(customerId: string, context: WorkContext): Promise<{ erased: number }> {
    const { changed } = await transitionSubjectItems(this.doc, this.tableName, { type: 'customer', customerId }, userErasure, context);
    return { erased: changed };
  }
}

/** Revokes the subject's devices in the table. */
export class DynamoDbDeviceRevoker implements DeviceRevoker {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  async revokeAll(subject: Subject, context: WorkContext): Promise<{ revoked: number }> {
    const { changed } = await transitionSubjectItems(this.doc, this.tableName, subject, deviceRevocation, context);
    return { revoked: changed };
  }
}
