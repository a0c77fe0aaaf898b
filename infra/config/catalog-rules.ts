import { functions, queues, queueConsumers, type QueueConsumerSpec, type QueueSpec } from '../catalog';

/** AWS's guidance for SQS event sources: the queue's visibility timeout is at least six times the
 * consumer's timeout plus its batching window, so a message is not handed out again while a
 * retried batch still runs. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

export function minimumVisibilityTimeoutSeconds(consumer: Pick<QueueConsumerSpec, 'timeoutSeconds' | 'maxBatchingWindowSeconds'>): number {
  return VISIBILITY_TIMEOUT_FACTOR * consumer.timeoutSeconds + consumer.maxBatchingWindowSeconds;
}

/** The dependency outage (SES, DynamoDB) a step's retries must outlast before its step turns FAILED. */
export const OUTAGE_TO_RIDE_OUT_SECONDS = 600;
/** Margin over that outage: it may begin just after a delivery, and an SDK call spends seconds on its own retries. */
export const RETRY_WINDOW_MARGIN = 2;

/** How long a message's deliveries span: its first at 0, each retry when the previous one's visibility timeout ends. */
export function retryWindowSeconds(queue: Pick<QueueSpec, 'maxReceiveCount' | 'visibilityTimeoutSeconds'>): number {
  return (queue.maxReceiveCount - 1) * queue.visibilityTimeoutSeconds;
}

export function retryWindowProblems(queue: QueueSpec): string[] {
  const needed = RETRY_WINDOW_MARGIN * OUTAGE_TO_RIDE_OUT_SECONDS;
  const problems: string[] = [];
  if (queue.maxReceiveCount < 5) problems.push(`queue ${queue.id}: maxReceiveCount ${queue.maxReceiveCount} is below 5`);
  if (retryWindowSeconds(queue) < needed) {
    problems.push(
      `queue ${queue.id}: its ${queue.maxReceiveCount} deliveries span ${retryWindowSeconds(queue)}s ((maxReceiveCount - 1) × visibility timeout), under ${needed}s: a ${OUTAGE_TO_RIDE_OUT_SECONDS / 60}-minute outage would fail its steps`,
    );
  }
  if (queue.retentionDays < 14 || queue.dlqRetentionDays < queue.retentionDays) {
    problems.push(`queue ${queue.id}: keep messages 14 days (SQS's maximum), and its DLQ at least as long as the queue`);
  }
  return problems;
}

/** Problems with the catalog that would make the infrastructure wrong; empty when it is sound. */
export function catalogProblems(): string[] {
  const problems: string[] = [];
  for (const queue of queues) {
    const consumers = queueConsumers.filter((f) => f.queue === queue.id);
    if (consumers.length !== 1) {
      problems.push(`queue ${queue.id} has ${consumers.length} consumers (expected 1)`);
      continue;
    }
    const consumer = consumers[0] as QueueConsumerSpec;
    problems.push(...visibilityProblems(queue, consumer), ...retryWindowProblems(queue));
  }
  const names = functions.map((f) => f.name);
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicates.length > 0) problems.push(`duplicate function names: ${duplicates.join(', ')}`);
  return problems;
}

export function visibilityProblems(queue: QueueSpec, consumer: Pick<QueueConsumerSpec, 'name' | 'timeoutSeconds' | 'maxBatchingWindowSeconds'>): string[] {
  const minimum = minimumVisibilityTimeoutSeconds(consumer);
  return queue.visibilityTimeoutSeconds < minimum
    ? [`queue ${queue.id}: visibility timeout ${queue.visibilityTimeoutSeconds}s is below ${VISIBILITY_TIMEOUT_FACTOR} × ${consumer.name}'s timeout + its batching window (${minimum}s)`]
    : [];
}

export function assertCatalogIsSound(): void {
  const problems = catalogProblems();
  if (problems.length > 0) throw new Error(`infra/catalog.ts is inconsistent: ${problems.join('; ')}`);
}
