import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../../../infra/local/dynamodb-local';
import { freePort } from '../../../infra/local/ports';
import { descendants, isAlive } from './processes';

/** DynamoDB Local as the local stack starts it: a Java child process that stop() must end. */
describe('startDynamoDbLocal', () => {
  it('starts a Java DynamoDB Local that answers, and stop() ends that process', async () => {
    // Prepare
    const port = await freePort();
    const dynamo = await startDynamoDbLocal({ port });
    const java = descendants(process.pid).filter((p) => p.cmdline.includes('DynamoDBLocal.jar') && p.cmdline.includes(`-port ${port}`));
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

    try {
      // Act
      const listed = await client.send(new ListTablesCommand({}));
      const started = Date.now();
      await dynamo.stop();

      // Assess
      expect(listed.TableNames).toEqual([]);
      expect(java).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(isAlive(java[0]!.pid)).toBe(false);
    } finally {
      client.destroy();
      await dynamo.stop();
    }
  }, 30_000);
});
