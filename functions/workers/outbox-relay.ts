import middy from '@middy/core';
import { SQSClient } from '@aws-sdk/client-sqs';
import { queues, type QueueId } from '../../infra/catalog';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { SqsQueuePublisher } from '../../shared/adapters/sqs/queue-publisher';
import { requireEnv } from '../../shared/config/env';
import { createOutboxRelay } from '../../shared/outbox/outbox-relay';

/** Stream consumer: publishes committed outbox events to the consumer queues. */
const queueUrls = Object.fromEntries(queues.map((q) => [q.id, requireEnv(q.urlEnv)])) as Record<QueueId, string>;

// Talk to the endpoint the SDK is configured with (regional in AWS, AWS_ENDPOINT_URL_SQS locally),
// not to whatever host a queue URL names.
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });

export const handler = middy(
  createOutboxRelay({ publisher: new SqsQueuePublisher(sqs, queueUrls), doc: createDocumentClient(), tableName: requireEnv('TABLE_NAME') }),
);
