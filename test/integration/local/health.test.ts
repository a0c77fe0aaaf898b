import { createServer, type Server } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { healthStatus, probeEmulators, stackHealth } from '../../../infra/local/health';
import { listenOn } from '../../../infra/local/ports';
import { LOCAL_CREDENTIALS } from '../../../infra/local/local-config';
import { startSesLocal, type RunningSes } from '../../../infra/local/ses-local';

/** GET /health's probe: 'up' for an emulator that answers, 'down' (and a 503) for one that does not. */

const credentials = { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY };

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the integration global setup exports it`);
  return value;
}

describe('probeEmulators', () => {
  let dead: Server;
  let deadEndpoint: string;
  let ses: RunningSes;
  const clients: { destroy(): void }[] = [];

  beforeAll(async () => {
    // Stands in for a dead emulator: it accepts connections and drops them at once (port 0, so no race).
    dead = createServer((socket) => socket.destroy());
    deadEndpoint = `http://127.0.0.1:${await listenOn(dead, 0, 'dead emulator')}`;
    ses = await startSesLocal();
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    await ses.stop();
  });

  const dynamoAt = (endpoint: string) => {
    const client = new DynamoDBClient({ endpoint, region: LOCAL_CREDENTIALS.AWS_REGION, credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };
  const sqsAt = (endpoint: string) => {
    const client = new SQSClient({ endpoint, region: LOCAL_CREDENTIALS.AWS_REGION, credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };

  it('reports all three up, 200, when all answer', async () => {
    const health = await probeEmulators({ dynamo: dynamoAt(requiredEnv('AWS_ENDPOINT_URL_DYNAMODB')), sqs: sqsAt(requiredEnv('AWS_ENDPOINT_URL_SQS')), sesEndpoint: ses.endpoint });

    expect(health).toEqual({ ok: true, dynamodb: 'up', sqs: 'up', ses: 'up' });
    expect(healthStatus(health)).toBe(200);
  });

  it('reports DynamoDB down, 503, when it does not answer', async () => {
    const health = await probeEmulators({ dynamo: dynamoAt(deadEndpoint), sqs: sqsAt(requiredEnv('AWS_ENDPOINT_URL_SQS')), sesEndpoint: ses.endpoint });

    expect(health).toEqual({ ok: false, dynamodb: 'down', sqs: 'up', ses: 'up' });
    expect(healthStatus(health)).toBe(503);
  });

  it('reports SQS down, 503, when it does not answer', async () => {
    const health = await probeEmulators({ dynamo: dynamoAt(requiredEnv('AWS_ENDPOINT_URL_DYNAMODB')), sqs: sqsAt(deadEndpoint), sesEndpoint: ses.endpoint });

    expect(health).toEqual({ ok: false, dynamodb: 'up', sqs: 'down', ses: 'up' });
  });

  it('reports SES down, 503, when it does not answer', async () => {
    const health = await probeEmulators({ dynamo: dynamoAt(requiredEnv('AWS_ENDPOINT_URL_DYNAMODB')), sqs: sqsAt(requiredEnv('AWS_ENDPOINT_URL_SQS')), sesEndpoint: deadEndpoint });

    expect(health).toEqual({ ok: false, dynamodb: 'up', sqs: 'up', ses: 'down' });
    expect(healthStatus(health)).toBe(503);
  });
});

describe('stackHealth', () => {
  it('is not ok while the API is starting, even with every emulator up', () => {
    const emulators = { ok: true, dynamodb: 'up', sqs: 'up', ses: 'up' } as const;

    expect(stackHealth(emulators, false)).toEqual({ ...emulators, ok: false, api: 'starting' });
    expect(healthStatus(stackHealth(emulators, false))).toBe(503);
    expect(stackHealth(emulators, true)).toEqual({ ...emulators, ok: true, api: 'up' });
  });
});
