import { queueIds, queueUrlVariable, type QueueId } from '../../infra/catalog';
import { tableFromEnv } from '../adapters/dynamodb/client';
import { DynamoDbOutboxStore } from '../adapters/dynamodb/outbox-store';
import { createSqsClient } from '../adapters/sqs/client';
import { SqsQueuePublisher } from '../adapters/sqs/queue-publisher';
import { requireEnv, type Environment } from '../config/env';
import { workerHandler } from '../workers/worker-handler';
import { createOutboxRelay } from './outbox-relay';

/** The relay from its environment: one URL variable per declared step's queue (its declaration links them all). */
export function outboxRelayFromEnv(env: Environment) {
  const queueUrls = Object.fromEntries(queueIds.map((id) => [id, requireEnv(env, queueUrlVariable(id))])) as Record<QueueId, string>;
  const sqs = createSqsClient();
  return workerHandler(createOutboxRelay({ publisher: new SqsQueuePublisher(sqs, queueUrls), outbox: new DynamoDbOutboxStore(tableFromEnv(env)) }));
}
