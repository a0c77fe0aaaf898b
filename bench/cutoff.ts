import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { queueConsumers, streamConsumers } from '../infra/catalog';
import { LOCAL_CREDENTIALS } from '../infra/local/local-config';
import { createTable } from '../infra/local/resources';
import type { SeedData } from '../infra/local/seed';
import { SqsEventSourcePoller } from '../infra/local/sqs-poller';
import { startLocalStack, type LocalStack } from '../infra/local/stack';
import { DynamoDbStreamPoller } from '../infra/local/stream-poller';
import { loadOrCreateSigningKey, mintToken } from '../infra/local/token-issuer';
import { keys } from '../shared/adapters/dynamodb/keys';
import { median, spread, type Spread } from './stats';
import { requireChildEnv, runChild, sendToParent } from './child';

/**
 * Access cutoff, in its own Node process (bench/run.ts forks it; one local stack per process):
 * the time from a customer DELETE's 200 to the request's `accessRevokedAt`, through the whole
 * local stack with its real pollers, against its floor: one item written to a table with a stream,
 * seen by a stream poller, one SQS message sent and received by an SQS poller, one conditional
 * UpdateItem. The floor runs on the same emulators behind the same poller classes with the same
 * settings (the local stack's defaults), with handlers that do only that. Each sample pairs one
 * delete with one floor chain, started together at a chosen point of the pollers' cycles (evenly
 * spread over the run), so the machine's load and the pollers' timing hit both alike.
 */

export interface CutoffSettings {
  /** Measured pairs (delete + floor chain). */
  samples: number;
  /** Unmeasured pairs first: module warm-up, JWKS fetch, stream shard discovery. */
  warmup: number;
  /** Pairs per block: the ratio's spread is taken over the blocks' ratios of medians. */
  blockSize: number;
  /** How often the request item is read while waiting for `accessRevokedAt` (only decides when the next pair starts). */
  pollMs: number;
  /** A pair not done within this long is a failure of the run, not a slow sample. */
  timeoutMs: number;
  /**
   * The pollers' cycle: each pair starts after a pause of a fraction of it. Without the pause a pair
   * would start right after the previous one's last poller returned, in step with that poller's
   * cycle (the emulator answers a receive at the end of its wait), and whichever side finished last
   * would look slower. The fractions follow the golden-ratio sequence, so any run of consecutive
   * pairs starts at evenly spread points of the cycle: both medians are not left to luck.
   */
  cycleMs: number;
}

export interface CutoffResult {
  /** DELETE 200 received → `accessRevokedAt`, per measured delete (ms, this machine's clock). */
  serviceMs: number[];
  /** Floor item written → its conditional UpdateItem answered, per measured chain (ms). */
  floorMs: number[];
  service: Spread & { p95: number };
  floor: Spread & { p95: number };
  /** median(service) ÷ median(floor). */
  ratio: number;
  /** The same ratio per block of consecutive pairs. */
  blockRatios: Spread;
  p95Ratio: number;
  /** The access steps the requests waited for, as the requests recorded them. */
  accessSteps: string[];
  problems: string[];
}

export type CutoffMessage = { kind: 'progress'; text: string } | { kind: 'result'; result: CutoffResult } | { kind: 'error'; message: string };

const send = (message: CutoffMessage): Promise<void> => sendToParent(message);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest sample with at least p of the samples at or below it.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;
/** The i-th pause: frac(i × 0.618…) of the cycle, a low-discrepancy sequence over [0, cycle). */
export function startPause(i: number, cycleMs: number): number {
  return ((i * GOLDEN) % 1) * cycleMs;
}

const RESELLER = 'cutoff-reseller';
const customerId = (i: number) => `cutoff-${String(i).padStart(4, '0')}`;

function seedFor(count: number): SeedData {
  const ids = Array.from({ length: count }, (_, i) => customerId(i));
  // Each customer has a login, a device and a session: every access step has real work to do.
  return {
    customers: [
      { id: RESELLER, parentId: null, name: 'Cutoff reseller', email: 'reseller@example.invalid', activeSubscriptions: 0 },
      ...ids.map((id) => ({ id, parentId: RESELLER, name: `Customer ${id}`, email: `${id}@example.invalid`, activeSubscriptions: 0 })),
    ],
    users: ids.map((id) => ({ id: `${id}-u`, customerId: id, name: `User of ${id}`, email: `${id}-u@example.invalid` })),
    devices: ids.map((id) => ({ id: `${id}-d`, customerId: id, userId: `${id}-u` })),
    sessions: ids.map((id) => ({ id: `${id}-s`, customerId: id, userId: `${id}-u` })),
  };
}

/** The floor: stream poll → one SQS message → one conditional write, behind the same poller classes. */
async function startFloor(options: { dynamoEndpoint: string; sqsEndpoint: string; tableName: string; queueName: string; visibilityTimeoutSeconds: number; log: LogSink }) {
  const config = {
    region: LOCAL_CREDENTIALS.AWS_REGION,
    credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  };
  const dynamo = new DynamoDBClient({ ...config, endpoint: options.dynamoEndpoint });
  const doc = DynamoDBDocumentClient.from(dynamo);
  const streams = new DynamoDBStreamsClient({ ...config, endpoint: options.dynamoEndpoint });
  const sqs = new SQSClient({ ...config, endpoint: options.sqsEndpoint });
  const { streamArn } = await createTable(dynamo, options.tableName);
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: options.queueName, Attributes: { VisibilityTimeout: String(options.visibilityTimeoutSeconds) } }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';

  const waiting = new Map<string, (at: number) => void>();
  const relay = streamConsumers[0];
  const consumer = queueConsumers[0];
  if (!relay || !consumer) throw new Error('the catalog has no stream consumer or no queue consumer');
  // The relay's filter and batch size; the stream poller's default interval, as the stack's.
  const streamPoller = new DynamoDbStreamPoller({
    client: streams,
    streamArn,
    fn: { name: 'floor-stream-reader', timeoutSeconds: relay.timeoutSeconds, memoryMb: relay.memoryMb, batchSize: relay.batchSize, filter: relay.filter },
    handler: async (event) => {
      for (const record of event.Records) {
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: String(record.dynamodb?.Keys?.pk?.S) }));
      }
    },
    log: options.log,
  });
  // A consumer's batch size; the SQS poller's default wait, as the stack's.
  const sqsPoller = new SqsEventSourcePoller({
    client: sqs,
    queueUrl,
    queueArn,
    fn: { name: 'floor-consumer', timeoutSeconds: consumer.timeoutSeconds, memoryMb: consumer.memoryMb },
    batchSize: consumer.batchSize,
    handler: async (event) => {
      for (const record of event.Records) {
        const pk = record.body;
        await doc.send(
          new UpdateCommand({
            TableName: options.tableName,
            Key: { pk, sk: 'FLOOR' },
            UpdateExpression: 'SET doneAt = :at',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(doneAt)',
            ExpressionAttributeValues: { ':at': new Date().toISOString() },
          }),
        );
        const at = Date.now();
        waiting.get(pk)?.(at);
        waiting.delete(pk);
      }
    },
    log: options.log,
  });
  streamPoller.start();
  sqsPoller.start();

  return {
    /** Writes one item (pk under the relay's filter prefix); resolves with ms from the write's answer to the conditional write's. */
    async sample(timeoutMs: number): Promise<number> {
      const pk = `${relay.filter.partitionKeyPrefix}floor-${randomUUID()}`;
      const done = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`floor chain ${pk} not done after ${timeoutMs} ms`)), timeoutMs);
        waiting.set(pk, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
      await doc.send(new PutCommand({ TableName: options.tableName, Item: { pk, sk: 'FLOOR', entityType: 'FLOOR' }, ConditionExpression: 'attribute_not_exists(pk)' }));
      const written = Date.now();
      return (await done) - written;
    },
    async stop() {
      await Promise.all([streamPoller.stop(), sqsPoller.stop()]);
      dynamo.destroy();
      streams.destroy();
      sqs.destroy();
    },
  };
}

interface LogSink {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

interface RequestView {
  status: string;
  accessRevokedAt?: string;
  steps: Record<string, { status: string; updatedAt: string }>;
}

async function main(): Promise<void> {
  const settings = JSON.parse(requireEnvVar('BENCH_CUTOFF_SETTINGS')) as CutoffSettings;
  const dynamoEndpoint = requireEnvVar('BENCH_DYNAMODB_ENDPOINT');
  const sqsEndpoint = requireEnvVar('BENCH_SQS_ENDPOINT');
  const workDir = requireEnvVar('BENCH_WORK_DIR');
  const log: LogSink = {
    info: (message, fields) => console.log(JSON.stringify({ level: 'INFO', source: 'bench-cutoff', message, ...fields })),
    error: (message, fields) => console.error(JSON.stringify({ level: 'ERROR', source: 'bench-cutoff', message, ...fields })),
  };
  const total = settings.warmup + settings.samples;
  const visibilityTimeoutSeconds = 5;

  void send({ kind: 'progress', text: `starting the local stack (pollers on) and the floor on the bench's emulators; ${total} customers` });
  mkdirSync(join(workDir, 'cutoff'), { recursive: true });
  const stack: LocalStack = await startLocalStack({
    port: 0,
    seed: seedFor(total),
    dynamoEndpoint,
    sqsEndpoint,
    tableName: 'bench-cutoff',
    queuePrefix: 'bench-cutoff-',
    visibilityTimeoutSeconds,
    loginRecordFile: join(workDir, 'cutoff', 'disabled-logins.json'),
    pollers: true,
    log,
  });
  const floor = await startFloor({ dynamoEndpoint, sqsEndpoint, tableName: 'bench-cutoff-floor', queueName: 'bench-cutoff-floor', visibilityTimeoutSeconds, log });
  const reader = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamoEndpoint,
      region: LOCAL_CREDENTIALS.AWS_REGION,
      credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
    }),
  );

  try {
    const key = await loadOrCreateSigningKey();
    const token = await mintToken(key, { sub: 'cutoff-reseller-admin', accountId: RESELLER, role: 'RESALE', scope: 'customers:delete', ttlSeconds: 1800 });
    const headers = { authorization: `Bearer ${token}` };

    /** DELETE one customer through the API; ms from the 200's receipt to the request's accessRevokedAt. */
    const deleteSample = async (id: string): Promise<{ ms: number; requestId: string }> => {
      const response = await fetch(`${stack.url}/customer/${encodeURIComponent(id)}`, {
        method: 'DELETE',
        headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ reason: 'Customer asked to close the account', ticket: 'BENCH-CUTOFF' }),
      });
      const answeredAt = Date.now();
      const text = await response.text();
      if (response.status !== 200) throw new Error(`DELETE /customer/${id} answered ${response.status}: ${text}`);
      const requestId = (JSON.parse(text) as { requestId: string }).requestId;
      const deadline = answeredAt + settings.timeoutMs;
      for (;;) {
        const item = (await reader.send(new GetCommand({ TableName: stack.tableName, Key: keys.request(requestId), ConsistentRead: true, ProjectionExpression: 'accessRevokedAt' }))).Item;
        const revokedAt = item?.accessRevokedAt as string | undefined;
        if (revokedAt) return { ms: Date.parse(revokedAt) - answeredAt, requestId };
        if (Date.now() > deadline) throw new Error(`request ${requestId} has no accessRevokedAt ${settings.timeoutMs} ms after the DELETE's 200`);
        await sleep(settings.pollMs);
      }
    };

    const serviceMs: number[] = [];
    const floorMs: number[] = [];
    const measured: { requestId: string; ms: number; answered: number }[] = [];
    void send({ kind: 'progress', text: `access cutoff: ${settings.warmup} warm-up + ${settings.samples} pairs (one delete through the stack, one floor chain, started together)` });
    for (let i = 0; i < total; i += 1) {
      await sleep(startPause(i, settings.cycleMs));
      // Both start together; which one is sent first alternates.
      const [service, floorSample] =
        i % 2 === 0
          ? await Promise.all([deleteSample(customerId(i)), floor.sample(settings.timeoutMs)])
          : await Promise.all([floor.sample(settings.timeoutMs), deleteSample(customerId(i))]).then(([f, s]) => [s, f] as const);
      if (i >= settings.warmup) {
        serviceMs.push(service.ms);
        floorMs.push(floorSample);
        measured.push({ requestId: service.requestId, ms: service.ms, answered: i });
      }
      const done = i + 1 - settings.warmup;
      if (done > 0 && done % 10 === 0) void send({ kind: 'progress', text: `  ${done}/${settings.samples}` });
    }

    // What a caller sees agrees: every measured request's view shows accessRevokedAt = the latest of its access steps' success.
    const problems: string[] = [];
    let accessSteps: string[] = [];
    for (const { requestId } of measured) {
      const response = await fetch(`${stack.url}/api/v2/requests/${requestId}`, { headers });
      const body = (await response.json()) as { content?: RequestView[] };
      const view = body.content?.[0];
      const stored = (await reader.send(new GetCommand({ TableName: stack.tableName, Key: keys.request(requestId), ConsistentRead: true }))).Item;
      accessSteps = (stored?.accessSteps as string[] | undefined) ?? [];
      const latest = accessSteps.map((name) => view?.steps[name]).every((step) => step?.status === 'SUCCESS')
        ? accessSteps.map((name) => view!.steps[name]!.updatedAt).sort().at(-1)
        : undefined;
      if (response.status !== 200 || !view?.accessRevokedAt || view.accessRevokedAt !== latest || view.accessRevokedAt !== stored?.accessRevokedAt) {
        problems.push(`request ${requestId}: view accessRevokedAt ${String(view?.accessRevokedAt)}, latest access step ${String(latest)}, item ${String(stored?.accessRevokedAt)}`);
      }
    }
    if (accessSteps.length === 0) problems.push('the requests recorded no access steps');
    for (const ms of serviceMs) if (ms < 0) problems.push(`accessRevokedAt ${ms} ms before the DELETE's 200`);

    const blocks: number[] = [];
    for (let b = 0; b + settings.blockSize <= serviceMs.length; b += settings.blockSize) {
      blocks.push(median(serviceMs.slice(b, b + settings.blockSize)) / median(floorMs.slice(b, b + settings.blockSize)));
    }
    const withP95 = (values: number[]) => ({ ...spread(values), p95: percentile(values, 0.95) });
    const service = withP95(serviceMs);
    const floorSpread = withP95(floorMs);
    await send({
      kind: 'result',
      result: {
        serviceMs,
        floorMs,
        service,
        floor: floorSpread,
        ratio: service.median / floorSpread.median,
        blockRatios: spread(blocks),
        p95Ratio: service.p95 / floorSpread.p95,
        accessSteps,
        problems,
      },
    });
  } finally {
    await floor.stop();
    await stack.stop();
    reader.destroy();
  }
}

const requireEnvVar = (name: string): string => requireChildEnv(name, 'bench/cutoff.ts');

runChild(main);
