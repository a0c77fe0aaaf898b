import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queueConsumers, queueSpec, type QueueConsumerSpec } from '../../infra/catalog';
import { DynamoDbProcessedEvents } from '../adapters/dynamodb/processed-events';
import { DynamoDbRequestProgressStore } from '../adapters/dynamodb/request-progress-store';
import type { StepName } from '../domain/model';
import { createCascadeConsumer, type CascadeWork } from './cascade-consumer';
import { sharedWorkerLog, type WorkerLog } from './log';

/** What every consumer factory accepts: the table, and optionally a clock and a log (tests pass their own). */
export interface ConsumerBaseDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  now?: () => Date;
  log?: WorkerLog;
}

export type ConsumerName = 'revoke-devices' | 'end-sessions' | 'send-email';

export function consumerSpec(name: ConsumerName): QueueConsumerSpec {
  const spec = queueConsumers.find((fn) => fn.name === name);
  if (!spec) throw new Error(`No queue consumer ${name} in the catalog`);
  return spec;
}

/**
 * Builds a consumer from the catalog's settings (its queue's maxReceiveCount, its batch size, a
 * claim lease a little longer than its timeout) with the table-backed markers and progress store.
 */
export function buildTableConsumer(
  name: ConsumerName,
  step: StepName,
  deps: ConsumerBaseDeps,
  work: CascadeWork,
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const spec = consumerSpec(name);
  return createCascadeConsumer({
    consumer: spec.queue,
    step,
    maxReceiveCount: queueSpec(spec.queue).maxReceiveCount,
    processed: new DynamoDbProcessedEvents(deps.doc, deps.tableName, { leaseSeconds: spec.timeoutSeconds + 5 }),
    progress: new DynamoDbRequestProgressStore(deps.doc, deps.tableName),
    work,
    log: deps.log ?? sharedWorkerLog,
    concurrency: spec.batchSize,
    ...(deps.now ? { now: deps.now } : {}),
  });
}
