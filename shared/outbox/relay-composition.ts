import { SQSClient } from '@aws-sdk/client-sqs';
import { queueIds, queueUrlVariable, type QueueId } from '../../infra/catalog';
import { tableFromEnv } from '../adapters/dynamodb/client';
import { DynamoDbOutboxStore } from '../adapters/dynamodb/outbox-store';
import { SqsQueuePublisher } from '../adapters/sqs/queue-publisher';
import { requireEnv, type Environment } from '../config/env';
import { workerHandler } from '../workers/worker-handler';
import { createOutboxRelay } from './outbox-relay';
import { traced } from '../observability/tracer';

/** The relay from its environment: one URL variable per declared step's queue (its declaration links them all). */
export function outboxRelayFromEnv(env: Environment) {
  const queueUrls = Object.fromEntries(queueIds.map((id) => [id, requireEnv(env, queueUrlVariable(id))])) as Record<QueueId, string>;
  // Talk to the endpoint the SDK is configured with (regional in AWS, AWS_ENDPOINT_URL_SQS locally),
  // not to whatever host a queue URL names.
  const sqs = traced(new SQSClient({ useQueueUrlAsEndpoint: false }));
  return workerHandler(createOutboxRelay({ publisher: new SqsQueuePublisher(sqs, queueUrls), outbox: new DynamoDbOutboxStore(tableFromEnv(env)) }));
}
