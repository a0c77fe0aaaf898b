import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { apiFunctions, functions, queueConsumers, schedules, streamConsumers, type EnvName, type FunctionSpec, type QueueId } from '../catalog';
import { environmentFor, variableValues, type EnvironmentValues } from '../config/lambda-environment';
import { DEFAULT_COMPLETION_SLA_HOURS, DEFAULT_REPUBLISH_AFTER_MINUTES } from '../config/stages';
import { createApiGateway, listen, type ApiHandler, type LocalRoute, type StaticRoute } from './api-gateway';
import { startEmulators } from './emulators';
import { healthStatus, probeEmulators, stackHealth, type StackHealth } from './health';
import { loadHandler } from './lambda-runtime';
import {
  LOCAL_AUDIENCE,
  LOCAL_CREDENTIALS,
  LOCAL_ISSUER,
  LOCAL_MAX_TOKEN_AGE_SECONDS,
  LOCAL_TABLE_NAME,
  loginRecordFile,
} from './local-config';
import { consoleCorsPolicy } from '../config/cors';
import { authorizationServerRoutes } from './authorization-server';
import { buildConsoleBundle, consoleRoutes } from './console';
import { createQueues, createTable, type LocalQueue } from './resources';
import { deleteTable, readSeedFile, seedIfEmpty, type SeedData } from './seed';
import { ScheduleRunner } from './schedule-runner';
import { SqsEventSourcePoller, type SqsHandler } from './sqs-poller';
import { DynamoDbStreamPoller, type StreamHandler } from './stream-poller';
import { jwksFor, loadOrCreateSigningKey } from './token-issuer';
import { LOCAL_RECEIPT_ISSUER, receiptKeyFile } from './receipt-keys';

/** The local stack keeps a soft-deleted customer as long as a stage does by default: 30 days. */
export const DEFAULT_LOCAL_RETENTION_SECONDS = 30 * 24 * 3600;

export interface StackLog {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LocalStackOptions {
  /** HTTP port for the API and the JWKS; 0 picks a free one. */
  port: number;
  /** Keep DynamoDB data in this directory between runs (default: in memory). */
  persistDir?: string;
  /** Seed data to load into an empty table (a persisted one keeps its data); `null` loads nothing. */
  seed: SeedData | string | null;
  /** Delete the table first, so the seed loads again (`--reset`). */
  reset?: boolean;
  /** Called once if an emulator this stack started dies under it (default: one error line in the log). */
  onEmulatorDown?: (message: string) => void;
  /** Reuse emulators that are already running (tests share one of each) instead of starting them. */
  dynamoEndpoint?: string;
  sqsEndpoint?: string;
  /** Reuse a running SES emulator; by default the stack starts its own, whose store holds only this process's mail. */
  sesEndpoint?: string;
  /** Physical names: a test run uses its own so runs never collide. */
  tableName?: string;
  queuePrefix?: string;
  /** Local visibility timeout (seconds): short, so a failed message returns quickly; above the 1-second poll wait. */
  visibilityTimeoutSeconds?: number;
  /** The local token issuer's record of disabled logins (IDENTITY_PROVIDER=local:<file>): the identity step writes it, `npm run token` reads it. */
  loginRecordFile?: string;
  /** How long a soft-deleted customer is kept before the scheduled purge (`--retention-seconds`; default 30 days). */
  retentionSeconds?: number;
  /** The deletion-receipt key file (RECEIPT_KEY=file:<path>; default .local/keys/receipt-key.json), created on first use. */
  receiptKeyFile?: string;
  /**
   * A browser origin the API allows besides the console's own (`--console-origin`): the API's CORS as a stage with
   * `console.origin` has it (infra/config/cors.ts), for a console served from elsewhere. Default none, as a stage
   * without a console origin: the local /console/ shares the API's origin and needs no CORS.
   */
  consoleOrigin?: string;
  /** Start the SQS and stream pollers (tests may drive them by hand instead). */
  pollers?: boolean;
  /** Run the catalog's schedules (the scheduled purge) on their local timers; default: as `pollers`. */
  schedules?: boolean;
  log: StackLog;
}

export interface LocalStack {
  url: string;
  port: number;
  tableName: string;
  queues: Record<QueueId, LocalQueue>;
  /** Every variable's local value; each function sees only its own (`environmentFor`). */
  env: Record<EnvName, string>;
  /** The SES v2 emulator the send-email step sends through: its web viewer at `/`, what was sent at `GET /store`. */
  sesEndpoint: string;
  /** The record of logins the identity step disabled, which the local token issuer refuses. */
  loginRecordFile: string;
  sqsPollers: Map<string, SqsEventSourcePoller>;
  /** The outbox relay's stream poller. */
  streamPoller: DynamoDbStreamPoller | undefined;
  /** Every stream consumer's poller, by function name (the outbox relay's and the receipt signer's). */
  streamPollers: Map<string, DynamoDbStreamPoller>;
  /** The catalog's schedules by function name (`purge-due`): on their timers, or run by hand with `runOnce()`. */
  schedules: Map<string, ScheduleRunner>;
  stop(): Promise<void>;
}

/**
 * Boots the whole service on this machine: DynamoDB Local, the SQS and SES emulators, the catalog's
 * table and queues, the seed, the token issuer's JWKS, the API Gateway emulation in front of the
 * catalog's API handlers, and Lambda-like pollers in front of its consumers.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { log } = options;
  const cleanups: (() => Promise<void>)[] = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log.error('stop failed', { error: String(error) }));
    cleanups.length = 0;
  };
  try {
    const seed = typeof options.seed === 'string' ? readSeedFile(options.seed) : options.seed;
    const signingKey = await loadOrCreateSigningKey();

    // The HTTP port first: a taken port should fail before anything slow starts.
    const routes: LocalRoute[] = [];
    // Set once every handler is loaded and every poller started: until then /health says the API is starting.
    let apiReady = false;
    const staticRoutes: StaticRoute[] = [{ method: 'GET', path: '/.well-known/jwks.json', body: () => jwksFor(signingKey) }];
    const consoleHook: Parameters<typeof createApiGateway>[3] = {};
    const server: Server = createApiGateway(routes, staticRoutes, log, consoleHook, options.consoleOrigin === undefined ? undefined : consoleCorsPolicy(options.consoleOrigin));
    const port = await listen(server, options.port);
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const url = `http://127.0.0.1:${port}`;

    const { dynamo, sqs, ses } = await startEmulators({
      ...(options.persistDir ? { persistDir: options.persistDir } : {}),
      ...(options.dynamoEndpoint ? { dynamoEndpoint: options.dynamoEndpoint } : {}),
      ...(options.sqsEndpoint ? { sqsEndpoint: options.sqsEndpoint } : {}),
      ...(options.sesEndpoint ? { sesEndpoint: options.sesEndpoint } : {}),
    });
    cleanups.push(dynamo.stop, sqs.stop, ses.stop);

    // The SDK clients the handlers build read these, so local and AWS run the same adapters
    // (SesMailSender included); only the endpoints differ.
    Object.assign(process.env, LOCAL_CREDENTIALS, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    });
    const clientConfig = { region: LOCAL_CREDENTIALS.AWS_REGION };
    const dynamoClient = new DynamoDBClient(clientConfig);
    const sqsClient = new SQSClient(clientConfig);
    const streamsClient = new DynamoDBStreamsClient(clientConfig);
    cleanups.push(async () => {
      dynamoClient.destroy();
      sqsClient.destroy();
      streamsClient.destroy();
    });
    staticRoutes.push({
      method: 'GET',
      path: '/health',
      body: async () => stackHealth(await probeEmulators({ dynamo: dynamoClient, sqs: sqsClient, sesEndpoint: ses.endpoint }), apiReady),
      status: (health) => healthStatus(health as StackHealth),
      cacheControl: 'no-store',
    });

    const tableName = options.tableName ?? LOCAL_TABLE_NAME;
    if (options.reset && (await deleteTable(dynamoClient, tableName))) log.info('table deleted (--reset)', { table: tableName });
    const { streamArn, addedIndexes } = await createTable(dynamoClient, tableName);
    if (addedIndexes.length > 0) log.info('persisted table gained indexes', { indexes: addedIndexes });
    const queues = await createQueues(sqsClient, {
      ...(options.queuePrefix !== undefined ? { prefix: options.queuePrefix } : {}),
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 5,
    });
    if (seed) {
      const seeded = await seedIfEmpty(DynamoDBDocumentClient.from(dynamoClient), tableName, seed);
      if (seeded.loaded) log.info('seed loaded', { items: seeded.items });
      else log.info('seed not loaded: the table already holds data (--reset starts afresh)', { table: tableName });
    }

    const loginRecord = options.loginRecordFile ?? loginRecordFile;
    const values: EnvironmentValues = {
      tableName,
      queueUrls: Object.fromEntries(Object.values(queues).map((q) => [q.id, q.url])) as Record<QueueId, string>,
      auth: { kind: 'oidc', jwksUrl: `${url}/.well-known/jwks.json`, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, maxTokenAgeSeconds: LOCAL_MAX_TOKEN_AGE_SECONDS },
      mail: { sender: 'Customer Deletion <no-reply@customer-deletion.local>' },
      identity: { provider: `local:${loginRecord}` },
      receipts: { key: `file:${options.receiptKeyFile ?? receiptKeyFile}`, issuer: LOCAL_RECEIPT_ISSUER, retiredKeys: '[]' },
      lifecycle: { retentionSeconds: options.retentionSeconds ?? DEFAULT_LOCAL_RETENTION_SECONDS },
      sla: { completionSlaHours: DEFAULT_COMPLETION_SLA_HOURS, republishAfterMinutes: DEFAULT_REPUBLISH_AFTER_MINUTES },
      logLevel: process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
      // The emulator's StartMessageMoveTask reports COMPLETED without moving a message: locally a DLQ is copied back.
      stepQueues: { dlqUrls: Object.fromEntries(Object.values(queues).map((q) => [q.id, q.dlqUrl])) as Record<QueueId, string>, redrive: 'copy' },
    };
    // Each handler module loads as Lambda starts it: with exactly the environment its declaration gives it.
    const load = <E, R>(fn: FunctionSpec) => loadHandler<E, R>(fn, environmentFor(fn, values));

    for (const fn of apiFunctions) {
      const handler = await load(fn);
      for (const route of fn.routes) routes.push({ ...route, fn, handler: handler as ApiHandler });
    }

    const sqsPollers = new Map<string, SqsEventSourcePoller>();
    for (const fn of queueConsumers) {
      const queue = queues[fn.queue];
      sqsPollers.set(
        fn.name,
        new SqsEventSourcePoller({
          client: sqsClient,
          queueUrl: queue.url,
          queueArn: queue.arn,
          fn,
          handler: (await load(fn)) as SqsHandler,
          batchSize: fn.batchSize,
          log,
        }),
      );
    }
    const streamPollers = new Map<string, DynamoDbStreamPoller>();
    for (const fn of streamConsumers) {
      streamPollers.set(fn.name, new DynamoDbStreamPoller({ client: streamsClient, streamArn, fn, handler: (await load(fn)) as StreamHandler, log }));
    }
    const streamPoller = streamPollers.get('outbox-relay');
    if (options.pollers !== false) {
      for (const poller of sqsPollers.values()) poller.start();
      for (const poller of streamPollers.values()) poller.start();
    }
    // Pollers stop before the emulators they read from.
    cleanups.push(async () => {
      await Promise.all([...[...sqsPollers.values()].map((p) => p.stop()), ...[...streamPollers.values()].map((p) => p.stop())]);
    });
    // The scheduled purge: every `localIntervalMs` (2 s), as EventBridge Scheduler runs it in AWS.
    const scheduleRunners = new Map<string, ScheduleRunner>();
    for (const fn of schedules) scheduleRunners.set(fn.name, new ScheduleRunner({ fn, handler: await load(fn), log }));
    // A schedule without `localIntervalMs` (the reconciler) runs only by hand: `runOnce()`, `npm run reconcile`.
    if (options.schedules ?? options.pollers !== false) for (const fn of schedules) if (fn.localIntervalMs !== undefined) scheduleRunners.get(fn.name)?.start();
    // A run in progress ends before the emulators it writes to stop.
    cleanups.push(async () => {
      await Promise.all([...scheduleRunners.values()].map((runner) => runner.stop()));
    });

    // An emulator that dies under the stack is news once: the pollers and schedules stop at once
    // (their failures would only repeat it every second) and the owner decides what follows.
    dynamo.onUnexpectedExit?.((reason) => {
      // On Ctrl-C the terminal signals Java too, and it may exit before stop() asks it to: expected.
      if (stopping) return;
      for (const poller of [...sqsPollers.values(), ...streamPollers.values()]) void poller.stop();
      for (const runner of scheduleRunners.values()) void runner.stop();
      const message = `DynamoDB Local (pid ${dynamo.pid}) ${reason}: the local stack cannot work without it.`;
      if (options.onEmulatorDown) options.onEmulatorDown(message);
      else log.error(message);
    });

    // The operator console, bundled now from its sources (never a stale committed build), and the authorization
    // server its sign-in goes to.
    const consolePaths = [consoleRoutes({ bundle: await buildConsoleBundle() }), authorizationServerRoutes({ signingKey, loginRecordFile: loginRecord })];
    consoleHook.handle = async (...request) => {
      for (const serve of consolePaths) if (await serve(...request)) return true;
      return false;
    };

    log.info('local stack ready', { url, functions: functions.length, table: tableName });
    apiReady = true;
    return { url, port, tableName, queues, env: variableValues(values), sesEndpoint: ses.endpoint, loginRecordFile: loginRecord, sqsPollers, streamPoller, streamPollers, schedules: scheduleRunners, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
