import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { queues, table, type QueueId } from '../catalog';

type CatalogIndex = (typeof table.globalSecondaryIndexes)[number];

const indexDefinition = (index: CatalogIndex) => ({
  IndexName: index.indexName,
  KeySchema: [
    { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
  ],
  // An index that names its projected attributes keeps only those (and the keys); the others project everything.
  Projection:
    'nonKeyAttributes' in index
      ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.nonKeyAttributes] }
      : { ProjectionType: 'ALL' as const },
});

const indexAttributes = (index: CatalogIndex) => [
  { AttributeName: index.partitionKey, AttributeType: 'S' as const },
  { AttributeName: index.sortKey, AttributeType: 'S' as const },
];

/**
 * Adds the catalog's indexes that a table persisted by an older version lacks (`--persist`), one
 * UpdateTable each, as CloudFormation does in AWS (at most one new index per update).
 */
async function addMissingIndexes(client: DynamoDBClient, tableName: string, existing: readonly string[]): Promise<string[]> {
  const added: string[] = [];
  for (const index of table.globalSecondaryIndexes) {
    if (existing.includes(index.indexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: indexAttributes(index),
        GlobalSecondaryIndexUpdates: [{ Create: indexDefinition(index) }],
      }),
    );
    added.push(index.indexName);
  }
  return added;
}

/** Creates the catalog's table (idempotent: a persisted database keeps it between runs, and gains the indexes added since). */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<{ streamArn: string; addedIndexes: string[] }> {
  let created = false;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: table.partitionKey, AttributeType: 'S' },
          { AttributeName: table.sortKey, AttributeType: 'S' },
          ...table.globalSecondaryIndexes.flatMap(indexAttributes),
        ],
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: table.globalSecondaryIndexes.map(indexDefinition),
        StreamSpecification: { StreamEnabled: true, StreamViewType: table.streamViewType },
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true } }),
    );
    created = true;
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${tableName} has no stream`);
  const existing = (described.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? '');
  const addedIndexes = created ? [] : await addMissingIndexes(client, tableName, existing);
  return { streamArn, addedIndexes };
}

export interface LocalQueue {
  id: QueueId;
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
}

/**
 * Creates each catalog queue with its DLQ and redrive policy. `prefix` keeps test runs apart;
 * `visibilityTimeoutSeconds` overrides the catalog's AWS value so a failed message comes back in
 * seconds, not minutes, on a laptop (it stays above the pollers' 1-second wait: see the emulator's
 * long-poll quirk in the README).
 */
export async function createQueues(
  client: SQSClient,
  options: { prefix?: string; visibilityTimeoutSeconds?: number } = {},
): Promise<Record<QueueId, LocalQueue>> {
  const created = {} as Record<QueueId, LocalQueue>;
  for (const spec of queues) {
    const name = `${options.prefix ?? ''}${spec.id}`;
    const visibility = options.visibilityTimeoutSeconds ?? spec.visibilityTimeoutSeconds;
    const dlq = await client.send(
      new CreateQueueCommand({
        QueueName: `${name}-dlq`,
        Attributes: { MessageRetentionPeriod: String(spec.dlqRetentionDays * 24 * 3600) },
      }),
    );
    const dlqUrl = dlq.QueueUrl!;
    const dlqAttributes = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
    const dlqArn = dlqAttributes.Attributes?.QueueArn;
    if (!dlqArn) throw new Error(`No ARN for ${name}-dlq`);
    const queue = await client.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: String(visibility),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: spec.maxReceiveCount }),
        },
      }),
    );
    const queueAttributes = await client.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }));
    created[spec.id] = {
      id: spec.id,
      url: queue.QueueUrl!,
      arn: queueAttributes.Attributes?.QueueArn ?? '',
      dlqUrl,
      dlqArn,
      maxReceiveCount: spec.maxReceiveCount,
      visibilityTimeoutSeconds: visibility,
    };
  }
  return created;
}
