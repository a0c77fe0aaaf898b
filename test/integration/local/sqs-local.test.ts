import { createServer, type AddressInfo, type Server } from 'node:net';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PortInUseError } from '../../../infra/local/ports';
import { startSqsLocal, type RunningSqs } from '../../../infra/local/sqs-local';

/** The in-process SQS emulator as the local stack starts it (its own instance, not the run's shared one). */
describe('startSqsLocal', () => {
  let sqs: RunningSqs | undefined;
  let blocker: Server | undefined;

  afterEach(async () => {
    await sqs?.stop();
    sqs = undefined;
    if (blocker) await new Promise<void>((resolve) => blocker!.close(() => resolve()));
    blocker = undefined;
  });

  it('serves the SQS JSON protocol the SDK speaks on the port it bound, and stops', async () => {
    // Prepare: no port given, so it listens on port 0 and reports the one the OS gave it
    sqs = await startSqsLocal();
    const client = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

    // Act
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'probe' }));
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
    const received = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    client.destroy();

    // Assess
    expect(sqs.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    expect(QueueUrl).toMatch(new RegExp(`^${sqs.endpoint}/\\d{12}/probe$`));
    expect(received.Messages?.map((m) => m.Body)).toEqual(['hello']);
    await expect(sqs.stop()).resolves.toBeUndefined();
    sqs = undefined;
  });

  it('rejects a taken port with PortInUseError instead of crashing the process', async () => {
    // Prepare: a port we hold ourselves (bound on port 0, so no other process can have it)
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;

    // Act
    const attempt = startSqsLocal({ port });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
    await expect(attempt).rejects.toThrow(`Port ${port} is already in use (SQS emulator)`);
  });
});
