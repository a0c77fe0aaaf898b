import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { table } from '../../../infra/catalog';
import { createTable } from '../../../infra/local/resources';
import { testClients, uniqueName } from '../support/emulators';

/** A table persisted by an older version (`npm start -- --persist DIR`) gains the indexes the catalog added since. */
it('adds the missing request-time index to an existing table, once, with its projection, and keeps its data path (stream) as it was', async () => {
  // Prepare: the table as it was before byTime (the children and purge indexes)
  const { dynamo } = testClients();
  const tableName = uniqueName('persisted');
  const older = table.globalSecondaryIndexes.filter((index) => index.indexName !== 'byTime');
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', ...older.flatMap((index) => [index.partitionKey, index.sortKey])].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: older.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );

  // Act
  const first = await createTable(dynamo, tableName);
  const second = await createTable(dynamo, tableName);

  // Assess
  expect(first.addedIndexes).toEqual(['byTime']);
  expect(second.addedIndexes).toEqual([]);
  expect(second.streamArn).toBe(first.streamArn);
  const described = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  expect((described.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort()).toEqual(table.globalSecondaryIndexes.map((index) => index.indexName).sort());
  const timeIndex = described.Table?.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'byTime');
  expect(timeIndex?.KeySchema).toEqual([
    { AttributeName: 'timePk', KeyType: 'HASH' },
    { AttributeName: 'timeSk', KeyType: 'RANGE' },
  ]);
  expect(timeIndex?.Projection).toEqual({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['status', 'type'] });
});
