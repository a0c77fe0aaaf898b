import { DynamoBatchStore } from '../../adapters/dynamodb/batch-store';
import { requirePositiveIntEnv, type Environment } from '../../config/env';
import { consumerOf } from '../../../infra/catalog';
import { runBatch, type BatchStore } from '../../domain/bulk-deletion';
import { BatchIncompleteError, BatchItemsFailedError, UnrecognisedEventError } from '../../domain/cascade-errors';
import { DeletionService } from '../../domain/deletion-service';
import { DynamoDbActorStanding } from '../../adapters/dynamodb/actor-standing';
import { DynamoDeletionStore } from '../../adapters/dynamodb/deletion-store';
import { systemClock, uuidIds } from '../../domain/system';
import { counted } from '../cascade-consumer';
import { asBatchEvent } from '../event';
import { createStepConsumer, stepHandlerFromEnv, type StepConsumerPorts } from '../step-consumer';

/** Deletions of one wave run at once inside a batch's run. */
export const BATCH_CONCURRENCY = 10;
/** A run starts no deletion in the last 30 s of its function's timeout: it ends cleanly and is retried for the rest. */
const RESERVE_MS = 30_000;

/**
 * Step `split` (SPEC "Bulk deletion"): runs (or resumes) a batch. Every item is a v1 deletion by the
 * batch's actor through the same DeletionService as the API's; outcomes are recorded as they are
 * decided. Items left undecided (an outage, the time budget) make the attempt fail, to be retried;
 * items that FAILED make the step FAILED (a redrive retries them); otherwise the step succeeds, its
 * count the customers deleted.
 */
export function createSplitBatchHandler(
  ports: StepConsumerPorts & { batches: BatchStore; deletions: Pick<DeletionService, 'deleteCustomer'>; concurrency?: number; budgetMs?: number },
) {
  const budgetMs = ports.budgetMs ?? consumerOf('split').timeoutSeconds * 1000 - RESERVE_MS;
  return createStepConsumer(
    'split',
    ports,
    async (event) => {
      const startedAt = Date.now();
      const result = await runBatch(event.requestId, {
        store: ports.batches,
        deleteCustomer: (customerId, input) => ports.deletions.deleteCustomer(customerId, input),
        clock: { now: ports.now ?? (() => new Date()) },
        concurrency: ports.concurrency ?? BATCH_CONCURRENCY,
        timeLeftMs: () => startedAt + budgetMs - Date.now(),
      });
      if (result === 'no-batch') throw new UnrecognisedEventError('No batch request for this event');
      if (result.pending > 0) throw new BatchIncompleteError(`${result.pending} of ${result.total} items not decided yet; retried`);
      if (result.failed > 0) throw new BatchItemsFailedError(`${result.failed} of ${result.total} items failed`);
      return { ...counted('deleted', result.deleted), refused: result.refused };
    },
    asBatchEvent,
  );
}

export function splitBatchFromEnv(env: Environment) {
  const retentionSeconds = requirePositiveIntEnv(env, 'RETENTION_SECONDS');
  return stepHandlerFromEnv('split', env, createSplitBatchHandler, (table) => ({
    batches: new DynamoBatchStore(table),
    // The same service, on the same table, as DELETE /customer/{id}: no path skips a rule.
    deletions: new DeletionService({
      store: new DynamoDeletionStore(table.doc, table.tableName),
      standing: new DynamoDbActorStanding(table),
      clock: systemClock,
      ids: uuidIds,
      retentionSeconds,
    }),
  }));
}
