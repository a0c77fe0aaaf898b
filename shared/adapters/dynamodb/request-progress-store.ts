import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ProgressConflictError } from '../../domain/cascade-errors';
import type { RequestStatus, RequestType, Step } from '../../domain/model';
import { applyStepOutcome, type ProgressTransition, type StepOutcome } from '../../domain/request-progress';
import type { EventClaim, ProgressWriteResult, RequestProgress } from '../../workers/ports';
import { serviceMetrics, type ServiceMetrics } from '../../observability/metrics';
import { keys } from './keys';
import { completeClaimUpdate } from './processed-events';

interface StoredProgress {
  status: RequestStatus;
  steps: Record<string, Step>;
  accessSteps?: string[];
  accessRevokedAt?: string;
  updatedAt?: string;
  /** For the time-to-SUCCESS and time-to-cut-off metrics only. */
  type?: RequestType;
  createdAt?: string;
  /** Optimistic lock over the steps map: every step write bumps it. Absent on a new request. */
  progressVersion?: number;
}

const VERSION = 'progressVersion';

/**
 * Applies the pure step rules (shared/domain/request-progress.ts) to the request item with
 * optimistic concurrency: read the request, compute the next steps and request status, write them
 * back on condition that `progressVersion` has not moved; on a conflict, read again. Several
 * consumers finishing at the same moment therefore never lose each other's step, and the derived
 * request status always matches the steps it was derived from. The write that turns a request SUCCESS (or sets its
 * `accessRevokedAt`) publishes how long that took since the request's creation, once, after it is committed.
 */
export class DynamoDbRequestProgressStore implements RequestProgress {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly metrics: ServiceMetrics = serviceMetrics,
  ) {}

  async complete(requestId: string, step: string, claim: EventClaim, at: string, count?: number): Promise<ProgressWriteResult> {
    const marker = completeClaimUpdate(this.tableName, claim, at);
    for (let attempt = 0; attempt < this.maxAttempts; attempt += 1) {
      const stored = await this.read(requestId);
      if (!stored) {
        // No request to update (it should always exist: the API writes it with the outbox), but
        // the work is done: remember that, so a duplicate does not do it again.
        try {
          await this.doc.send(new UpdateCommand(marker));
          return 'no-request';
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) return 'claim-lost';
          throw error;
        }
      }
      const transition = applyStepOutcome(stored, step, { kind: 'succeeded', ...(count !== undefined ? { count } : {}) }, at);
      const items: NonNullable<TransactWriteCommand['input']['TransactItems']> = [{ Update: marker }];
      if (transition.changed) items.push({ Update: this.requestUpdate(requestId, stored, transition) });
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
        if (!transition.changed) return 'unchanged';
        this.publishMilestones(stored, transition);
        return 'recorded';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [markerReason, requestReason] = error.CancellationReasons ?? [];
        if (markerReason?.Code === 'ConditionalCheckFailed') return 'claim-lost';
        if (requestReason?.Code !== 'ConditionalCheckFailed' && !isTransactionConflict(error)) throw error;
        await pause(attempt);
      }
    }
    throw new ProgressConflictError(requestId);
  }

  async recordFailure(requestId: string, step: string, failure: { error: string; exhausted: boolean }, at: string): Promise<ProgressWriteResult> {
    const outcome: StepOutcome = { kind: 'failed', error: failure.error, exhausted: failure.exhausted };
    for (let attempt = 0; attempt < this.maxAttempts; attempt += 1) {
      const stored = await this.read(requestId);
      if (!stored) return 'no-request';
      const transition = applyStepOutcome(stored, step, outcome, at);
      if (!transition.changed) return 'unchanged';
      try {
        await this.doc.send(new UpdateCommand(this.requestUpdate(requestId, stored, transition)));
        this.publishMilestones(stored, transition);
        return 'recorded';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        await pause(attempt);
      }
    }
    throw new ProgressConflictError(requestId);
  }

  /** What this committed transition reached first: SUCCESS, access cut off. Only this write made it, so it is published once. */
  private publishMilestones(stored: StoredProgress, transition: ProgressTransition): void {
    const { type, createdAt } = stored;
    if (type === undefined || createdAt === undefined) return;
    const since = (at: string) => Date.parse(at) - Date.parse(createdAt);
    if (transition.status === 'SUCCESS' && stored.status !== 'SUCCESS') this.metrics.requestSucceeded(type, since(transition.updatedAt));
    if (transition.accessRevokedAt !== undefined && stored.accessRevokedAt === undefined) this.metrics.accessCutOff(type, since(transition.accessRevokedAt));
  }

  /** Concurrent step writers are few (one per step), so a handful of re-reads always settles. */
  private readonly maxAttempts = 8;

  private async read(requestId: string): Promise<StoredProgress | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.request(requestId),
        ConsistentRead: true,
        ProjectionExpression: '#status, #steps, accessSteps, accessRevokedAt, updatedAt, #version, #type, createdAt',
        ExpressionAttributeNames: { '#status': 'status', '#steps': 'steps', '#version': VERSION, '#type': 'type' },
      }),
    );
    if (!result.Item) return undefined;
    const item = result.Item as Partial<StoredProgress>;
    return {
      status: item.status ?? 'IN_PROGRESS',
      steps: item.steps ?? {},
      ...(item.accessSteps !== undefined ? { accessSteps: item.accessSteps } : {}),
      ...(item.accessRevokedAt !== undefined ? { accessRevokedAt: item.accessRevokedAt } : {}),
      ...(item.updatedAt !== undefined ? { updatedAt: item.updatedAt } : {}),
      ...(item.type !== undefined ? { type: item.type } : {}),
      ...(item.createdAt !== undefined ? { createdAt: item.createdAt } : {}),
      ...(item.progressVersion !== undefined ? { progressVersion: item.progressVersion } : {}),
    };
  }

  private requestUpdate(requestId: string, stored: StoredProgress, transition: ProgressTransition) {
    const current = stored.progressVersion;
    // The write that makes the request SUCCESS also asks for its receipt (`receiptPending`): the
    // receipt-signer, fed by the table stream filtered on that flag, signs it once and stores it
    // (infra/catalog.ts, receiptSigner). Never a KMS call here: this write may be a transaction with
    // the step's idempotency marker, and it is retried on conflicts.
    const turnsSuccess = transition.status === 'SUCCESS' && stored.status !== 'SUCCESS';
    return {
      TableName: this.tableName,
      Key: keys.request(requestId),
      UpdateExpression: `SET #steps = :steps, #status = :status, updatedAt = :updatedAt, #version = :next${transition.accessRevokedAt ? ', accessRevokedAt = :accessRevokedAt' : ''}${turnsSuccess ? ', receiptPending = :receiptPending' : ''}`,
      ConditionExpression: current === undefined ? 'attribute_exists(pk) AND attribute_not_exists(#version)' : '#version = :current',
      ExpressionAttributeNames: { '#status': 'status', '#steps': 'steps', '#version': VERSION },
      ExpressionAttributeValues: {
        ':steps': transition.steps,
        ...(turnsSuccess ? { ':receiptPending': true } : {}),
        ...(transition.accessRevokedAt ? { ':accessRevokedAt': transition.accessRevokedAt } : {}),
        ':status': transition.status,
        ':updatedAt': transition.updatedAt,
        ':next': (current ?? 0) + 1,
        ...(current === undefined ? {} : { ':current': current }),
      },
    };
  }
}

function isTransactionConflict(error: TransactionCanceledException): boolean {
  return (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict');
}

/** A short, jittered pause before re-reading a request another writer just changed. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * (attempt + 1)));
}
