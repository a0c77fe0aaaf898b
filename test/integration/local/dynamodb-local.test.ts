import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../../../infra/local/dynamodb-local';
import { PortInUseError } from '../../../infra/local/ports';
import { descendants, isAlive } from './processes';

/** DynamoDB Local as the local stack starts it: a Java child process that stop() must end. */
describe('startDynamoDbLocal', () => {
  let impostor: Server | undefined;

  afterEach(async () => {
    impostor?.closeAllConnections();
    if (impostor) await new Promise<void>((resolve) => impostor!.close(() => resolve()));
    impostor = undefined;
  });

  it('starts a Java DynamoDB Local that answers, and stop() ends that process', async () => {
    // Prepare: no port given, so it claims one itself
    const dynamo = await startDynamoDbLocal();
    const port = new URL(dynamo.endpoint).port;
    const java = descendants(process.pid).filter((p) => p.cmdline.includes('DynamoDBLocal.jar') && p.cmdline.includes(`-port ${port}`));
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

    try {
      // Act
      const listed = await client.send(new ListTablesCommand({}));
      await dynamo.stop();

      // Assess: stop() resolves only once the process has exited
      expect(listed.TableNames).toEqual([]);
      expect(java).toHaveLength(1);
      expect(isAlive(java[0]!.pid)).toBe(false);
    } finally {
      client.destroy();
      await dynamo.stop();
    }
  }, 30_000);

  it('refuses a taken port with PortInUseError, even when what holds it answers like DynamoDB', async () => {
    // Prepare: a port we hold ourselves (bound on port 0), behind a server that answers every
    // request as an empty DynamoDB Local would: it must not pass for the instance we started.
    impostor = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"TableNames":[]}'));
    await new Promise<void>((resolve) => impostor!.listen(0, '127.0.0.1', resolve));
    const { port } = impostor.address() as AddressInfo;

    // Act
    const attempt = startDynamoDbLocal({ port });

    try {
      // Assess
      await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
      await expect(attempt).rejects.toThrow(`Port ${port} is already in use (DynamoDB Local)`);
      expect(descendants(process.pid).filter((p) => p.cmdline.includes('DynamoDBLocal.jar') && p.cmdline.includes(`-port ${port}`))).toEqual([]);
    } finally {
      // Should it wrongly succeed, stop what it started: a failing test leaves no Java process behind.
      await attempt.then((dynamo) => dynamo.stop(), () => undefined);
    }
  }, 30_000);
});
