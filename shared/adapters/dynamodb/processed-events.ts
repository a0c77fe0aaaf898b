import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ClaimResult, EventClaim, ProcessedEvents } from '../../workers/ports';
import { keys } from './keys';

/** Markers outlive any redrive: DLQs keep messages 14 days (catalog), the source queue 4 more. */
export const PROCESSED_MARKER_TTL_DAYS = 30;

type MarkerStatus = 'IN_PROGRESS' | 'COMPLETE';

/**
 * Consumer idempotency markers, PROCESSED#<consumer> / <eventId>, with TTL `expiresAt`.
 *
 * A delivery first claims the marker (IN_PROGRESS, with a random token and a lease as long as the
 * consumer's timeout); the claim becomes COMPLETE in the same transaction as the step's SUCCESS
 * (see request-progress-store.ts). A COMPLETE marker makes every later delivery a no-op; an
 * IN_PROGRESS one with a live lease makes a concurrent delivery retry later, so two copies of one
 * message never send two emails at once. A lease that outlived its invocation (a crash) can be taken over.
 */
export class DynamoDbProcessedEvents implements ProcessedEvents {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: { leaseSeconds: number },
  ) {}

  async claim(consumer: string, eventId: string, details: { requestId: string; now: Date }): Promise<ClaimResult> {
    const token = randomUUID();
    const nowMs = details.now.getTime();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.processed(consumer, eventId),
            entityType: 'processed-event',
            consumer,
            eventId,
            requestId: details.requestId,
            status: 'IN_PROGRESS' satisfies MarkerStatus,
            claimToken: token,
            claimedAt: details.now.toISOString(),
            leaseExpiresAt: nowMs + this.options.leaseSeconds * 1000,
            expiresAt: Math.floor(nowMs / 1000) + PROCESSED_MARKER_TTL_DAYS * 24 * 3600,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND leaseExpiresAt < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS', ':now': nowMs },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { outcome: 'claimed', claim: { consumer, eventId, token } };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const status = error.Item?.status?.S ?? (await this.readStatus(consumer, eventId));
      // A marker that vanished in between (released by a failed attempt) is simply retried later.
      return status === 'COMPLETE' ? { outcome: 'completed' } : { outcome: 'in-progress' };
    }
  }

  async release(claim: EventClaim): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.processed(claim.consumer, claim.eventId),
          ConditionExpression: 'claimToken = :token AND #status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':token': claim.token, ':inProgress': 'IN_PROGRESS' },
        }),
      );
    } catch (error) {
      // Not ours any more (taken over after the lease, or completed): nothing to give up.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private async readStatus(consumer: string, eventId: string): Promise<string | undefined> {
    const result = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.processed(consumer, eventId), ConsistentRead: true }));
    return result.Item?.status as string | undefined;
  }
}

/** The transaction item that turns a claim into a COMPLETE marker; fails if the claim is no longer ours. */
export function completeClaimUpdate(tableName: string, claim: EventClaim, at: string) {
  return {
    TableName: tableName,
    Key: keys.processed(claim.consumer, claim.eventId),
    UpdateExpression: 'SET #status = :complete, completedAt = :at REMOVE leaseExpiresAt',
    ConditionExpression: 'claimToken = :token AND #status = :inProgress',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':complete': 'COMPLETE' satisfies MarkerStatus, ':at': at, ':token': claim.token, ':inProgress': 'IN_PROGRESS' },
  };
}
