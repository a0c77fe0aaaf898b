import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { table } from '../../../infra/catalog';
import { createTable } from '../../../infra/local/resources';
import { testClients, uniqueName } from '../support/emulators';

/** A table persisted by an older version (`npm start -- --persist DIR`) gains the indexes the catalog added since. */
it('adds the missing purge index to an existing table, once, and keeps its data path (stream) as it was', async () => {
  // Prepare: the table as it was before the purge index (the children index only)
  const { dynamo } = testClients();
  const tableName = uniqueName('persisted');
  const byParent = table.globalSecondaryIndexes.find((index) => index.indexName === 'byParent')!;
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', byParent.partitionKey, byParent.sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        { IndexName: 'byParent', KeySchema: [{ AttributeName: byParent.partitionKey, KeyType: 'HASH' }, { AttributeName: byParent.sortKey, KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );

  // Act
  const first = await createTable(dynamo, tableName);
  const second = await createTable(dynamo, tableName);

  // Assess
  expect(first.addedIndexes).toEqual(['byPurgeDate']);
  expect(second.addedIndexes).toEqual([]);
  expect(second.streamArn).toBe(first.streamArn);
  const described = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  expect((described.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort()).toEqual(table.globalSecondaryIndexes.map((index) => index.indexName).sort());
  const purgeIndex = described.Table?.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'byPurgeDate');
  expect(purgeIndex?.KeySchema).toEqual([
    { AttributeName: 'purgePk', KeyType: 'HASH' },
    { AttributeName: 'purgeAfter', KeyType: 'RANGE' },
  ]);
});
