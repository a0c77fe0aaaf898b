import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { consumerOf, stepByName, type StepName } from '../../infra/catalog';
import { DynamoDbProcessedEvents } from '../adapters/dynamodb/processed-events';
import { DynamoDbRequestProgressStore } from '../adapters/dynamodb/request-progress-store';
import { tableFromEnv, type TableRef } from '../adapters/dynamodb/client';
import type { Environment } from '../config/env';
import type { CascadeEvent } from '../events/cascade-event';
import { createCascadeConsumer, type CascadeWork } from './cascade-consumer';
import type { DeletionEvent } from './event';
import { sharedWorkerLog, type WorkerLog } from './log';
import type { ProcessedEvents, RequestProgress } from './ports';
import { workerHandler } from './worker-handler';

/** The ports every step's consumer takes besides its own: its idempotency markers and its request step. */
export interface StepConsumerPorts {
  processed: ProcessedEvents;
  progress: RequestProgress;
  now?: () => Date;
  log?: WorkerLog;
}

/**
 * A step's consumer with its declared settings (its queue's maxReceiveCount, its batch size as the
 * record concurrency) around the step's work.
 */
export function createStepConsumer<E extends CascadeEvent = DeletionEvent>(
  step: StepName,
  ports: StepConsumerPorts,
  work: CascadeWork<E>,
  accept?: (event: CascadeEvent) => E,
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const consumer = consumerOf(step);
  return createCascadeConsumer<E>({
    consumer: consumer.queue,
    step,
    maxReceiveCount: stepByName(step).queue.maxReceiveCount,
    processed: ports.processed,
    progress: ports.progress,
    work,
    ...(accept ? { accept } : {}),
    log: ports.log ?? sharedWorkerLog,
    concurrency: consumer.batchSize,
    ...(ports.now ? { now: ports.now } : {}),
  });
}

/** The table-backed markers (a claim lease a little longer than the consumer's timeout) and progress store. */
export function tableStepPorts(table: TableRef, step: StepName): StepConsumerPorts {
  return {
    processed: new DynamoDbProcessedEvents(table.doc, table.tableName, { leaseSeconds: consumerOf(step).timeoutSeconds + 5 }),
    progress: new DynamoDbRequestProgressStore(table.doc, table.tableName),
  };
}

type StepHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * A step's handler as Lambda runs it, from its environment: the table-backed bookkeeping ports plus
 * the step's own, which `own` builds on the same table, wrapped in `workerHandler()`.
 */
export function stepHandlerFromEnv<P>(step: StepName, env: Environment, create: (ports: StepConsumerPorts & P) => StepHandler, own: (table: TableRef) => P) {
  const table = tableFromEnv(env);
  return workerHandler(create({ ...tableStepPorts(table, step), ...own(table) }));
}
