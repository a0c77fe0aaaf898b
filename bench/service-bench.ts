import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbActorStanding } from '../shared/adapters/dynamodb/actor-standing';
import { createDeleteCustomerHandler } from '../shared/http/routes/delete-customer';
import { createRevokeDevicesHandler } from '../shared/workers/steps/revoke-devices';
import { tableStepPorts } from '../shared/workers/step-consumer';
import { workerHandler } from '../shared/workers/worker-handler';
import { queueConsumers } from '../infra/catalog';
import { LOCAL_CREDENTIALS } from '../infra/local/local-config';
import { createQueues, createTable } from '../infra/local/resources';
import { DynamoDbDeviceRevoker } from '../shared/adapters/dynamodb/cascade-store';
import { DynamoDeletionStore } from '../shared/adapters/dynamodb/deletion-store';
import { customerItem, deviceItem } from '../shared/adapters/dynamodb/items';
import { keys } from '../shared/adapters/dynamodb/keys';
import { tokenVerifierConfigFromEnv } from '../shared/auth/config';
import { createTokenVerifier } from '../shared/auth/token-verifier';
import { requireEnv } from '../shared/config/env';
import { DeletionService } from '../shared/domain/deletion-service';
import { systemClock, uuidIds } from '../shared/domain/system';
import { logger } from '../shared/observability/logger';
import { injectedFailures, measureConsumer, type ConsumerResult } from './consumer';
import { countingDocumentClient, getAll, putAll } from './ddb';
import { spread, type Spread } from './stats';
import { benchTokenMinter, readBenchSigningKey } from './rs256-issuer';
import { handlerRound, measureWarm, timedVerifier, transactWrites, type WarmResult } from './warm';
import { requireChildEnv, runChild, sendToParent } from './child';

/**
 * The in-process half of the benchmark, run by bench/run.ts in its own Node process: the
 * handler modules read their environment at load (the parent sets it), and their JSON logs go to
 * a file instead of the terminal. It talks to the DynamoDB Local and SQS emulator the parent
 * started, and sends its figures back over IPC.
 */

export interface ServiceBenchSettings {
  warmRounds: number;
  perRound: number;
  /** Deletes by ADMIN and by MASTER (they read the customer first). */
  readFirstDeletes: number;
  consumerRounds: number;
  consumerMessagesPerRound: number;
  devicesPerCustomer: number;
  visibilityTimeoutSeconds: number;
}

export interface ServiceBenchResult {
  warm: Omit<WarmResult, 'requestIds' | 'requestsPerDelete'>;
  roundTrips: {
    /** Mean DynamoDB requests per successful delete, by the actor's role. */
    byRole: Record<string, number>;
    /** Their spread over the role's deletes. */
    perDeleteByRole: Record<string, Spread>;
    perDelete: Spread;
    readFirstByCommand: Record<string, number>;
    deletes: number;
  };
  consumer: ConsumerResult & { devicesRevoked: number; stepsSucceeded: number };
}

export type ChildMessage = { kind: 'progress'; text: string } | { kind: 'result'; result: ServiceBenchResult } | { kind: 'error'; message: string };

/** Resolves once the message is handed to the IPC channel, so a disconnect after it loses nothing. */
const send = (message: ChildMessage): Promise<void> => sendToParent(message);

const RESELLER = 'bench-reseller';
const pad = (i: number) => String(i).padStart(6, '0');

async function main(): Promise<void> {
  const settings = JSON.parse(requireEnvVar('BENCH_SETTINGS')) as ServiceBenchSettings;
  const tableName = requireEnv(process.env, 'TABLE_NAME');
  const { client, doc, counter } = countingDocumentClient(requireEnvVar('BENCH_DYNAMODB_ENDPOINT'));
  const sqs = new SQSClient({
    endpoint: requireEnvVar('BENCH_SQS_ENDPOINT'),
    region: LOCAL_CREDENTIALS.AWS_REGION,
    credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  });

  // Customers: the handler's, the floor's, and the ones ADMIN and MASTER delete, all managed by one reseller.
  const { warmRounds, perRound } = settings;
  const handlerCustomers = Array.from({ length: (warmRounds + 1) * perRound }, (_, i) => `bh-${pad(i)}`);
  const floorCustomers = Array.from({ length: (warmRounds + 1) * perRound }, (_, i) => `bf-${pad(i)}`);
  const readFirstCustomers = Array.from({ length: 2 * settings.readFirstDeletes }, (_, i) => `ba-${pad(i)}`);
  const consumerMessages = settings.consumerRounds * settings.consumerMessagesPerRound;
  if (consumerMessages > handlerCustomers.length) throw new Error('more consumer messages than handler deletes');
  const children = [...handlerCustomers, ...floorCustomers, ...readFirstCustomers];

  void send({ kind: 'progress', text: `seeding ${children.length} customers and ${consumerMessages * settings.devicesPerCustomer} devices` });
  await createTable(client, tableName);
  const customer = (id: string, parentId: string | null) => ({ id, parentId, name: `Customer ${id}`, email: `${id}@example.invalid`, activeSubscriptions: 0 });
  await putAll(doc, tableName, [
    customerItem(customer(RESELLER, null), children.length),
    ...children.map((id) => customerItem(customer(id, RESELLER), 0)),
    ...handlerCustomers
      .slice(0, consumerMessages)
      .flatMap((id) => Array.from({ length: settings.devicesPerCustomer }, (_, d) => deviceItem({ id: `d${d}`, customerId: id }))),
  ]);

  // The handler, wired as its module wires it, around the counting client and a timed verifier.
  // RS256, as production issuers sign (bench/rs256-issuer.ts); the parent serves its JWKS.
  const mint = await benchTokenMinter(readBenchSigningKey(requireEnvVar('BENCH_SIGNING_KEY_FILE')));
  const timing = timedVerifier(createTokenVerifier(tokenVerifierConfigFromEnv(process.env)));
  const recorder = transactWrites(doc);
  const standing = new DynamoDbActorStanding({ doc, tableName });
  const handler = createDeleteCustomerHandler({
    verifier: timing.verifier,
    standing,
    service: new DeletionService({ store: new DynamoDeletionStore(doc, tableName), standing, clock: systemClock, ids: uuidIds }),
  });
  const token = (role: string, accountId: string) => mint({ sub: `bench-${role.toLowerCase()}`, accountId, role, scope: 'customers:delete', ttlSeconds: 1800 });

  void send({ kind: 'progress', text: `warm deletes: ${warmRounds} rounds of ${perRound} through the handler and ${perRound} floor writes` });
  const warm = await measureWarm({
    handler,
    doc,
    recorder,
    timing,
    counter,
    token: await token('RESALE', RESELLER),
    handlerCustomers,
    floorCustomers,
    rounds: warmRounds,
    perRound,
    onProgress: (r) => (r % 10 === 0 ? void send({ kind: 'progress', text: `  round ${r}/${warmRounds}` }) : undefined),
  });

  // ADMIN and MASTER may delete any customer, so they read it first: the other path's round trips.
  const perDelete = [...warm.requestsPerDelete];
  const byRole: Record<string, number> = { RESALE: average(warm.requestsPerDelete) };
  const perDeleteByRole: Record<string, Spread> = { RESALE: spread(warm.requestsPerDelete) };
  const commandsBefore = { ...counter.byCommand };
  for (const [i, role] of ['ADMIN', 'MASTER'].entries()) {
    const ids = readFirstCustomers.slice(i * settings.readFirstDeletes, (i + 1) * settings.readFirstDeletes);
    const round = await handlerRound(handler, ids, await token(role, `bench-${role.toLowerCase()}-account`), timing, counter, recorder);
    byRole[role] = average(round.requestsPerDelete);
    perDeleteByRole[role] = spread(round.requestsPerDelete);
    perDelete.push(...round.requestsPerDelete);
  }
  const readFirstByCommand = Object.fromEntries(Object.entries(counter.byCommand).map(([k, v]) => [k, v - (commandsBefore[k] ?? 0)]).filter(([, v]) => Number(v) > 0));

  // The cascade events the handler's deletes committed to the outbox, for the consumer.
  void send({ kind: 'progress', text: `consumer: ${settings.consumerRounds} rounds of ${settings.consumerMessagesPerRound} messages, batches of 10, one failure injected per batch` });
  const consumerCustomers = handlerCustomers.slice(0, consumerMessages);
  const requestIds = consumerCustomers.map((id) => warm.requestIds.get(id)!);
  const outbox = await getAll(doc, tableName, requestIds.map((requestId) => keys.outbox(requestId, 'revoke-devices')));
  const bodyOf = new Map(outbox.map((item) => [String(item.requestId), String(item.body)]));
  const bodies = requestIds.map((id) => {
    const body = bodyOf.get(id);
    if (!body) throw new Error(`no revoke-devices outbox event for request ${id}`);
    return body;
  });

  const spec = queueConsumers.find((fn) => fn.name === 'revoke-devices');
  if (!spec) throw new Error('revoke-devices is not in the catalog');
  const queues = await createQueues(sqs, { prefix: 'bench-', visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds });
  const failures = injectedFailures();
  const revoker = new DynamoDbDeviceRevoker(doc, tableName);
  // The consumer as its module composes it, with the work seam failing the marked events once.
  const consumerHandler = workerHandler(
    createRevokeDevicesHandler({
      ...tableStepPorts({ doc, tableName }, 'devices'),
      devices: {
        revokeAll: async (subject, context) => {
          if (failures.shouldFail(context.eventId)) throw new Error('injected failure (bench)');
          return revoker.revokeAll(subject, context);
        },
      },
    }),
  );
  const pollerLog = {
    info: (message: string, fields?: Record<string, unknown>) => logger.info(message, fields ?? {}),
    error: (message: string, fields?: Record<string, unknown>) => logger.error(message, fields ?? {}),
  };
  const consumer = await measureConsumer({
    sqs,
    queue: queues['revoke-devices'],
    handler: consumerHandler,
    failures,
    fn: { name: spec.name, timeoutSeconds: spec.timeoutSeconds, memoryMb: spec.memoryMb },
    batchSize: spec.batchSize,
    rounds: Array.from({ length: settings.consumerRounds }, (_, r) => bodies.slice(r * settings.consumerMessagesPerRound, (r + 1) * settings.consumerMessagesPerRound)),
    log: pollerLog,
    onProgress: (r) => void send({ kind: 'progress', text: `  round ${r}/${settings.consumerRounds}` }),
  });

  // The work really happened: every device revoked, every request's devices step SUCCESS.
  const devices = await getAll(
    doc,
    tableName,
    consumerCustomers.flatMap((id) => Array.from({ length: settings.devicesPerCustomer }, (_, d) => keys.device(id, `d${d}`))),
  );
  const devicesRevoked = devices.filter((d) => d.status === 'REVOKED').length;
  if (devicesRevoked !== consumerMessages * settings.devicesPerCustomer) {
    consumer.problems.push(`${devicesRevoked} of ${consumerMessages * settings.devicesPerCustomer} devices revoked`);
  }
  const requests = await getAll(doc, tableName, requestIds.map((id) => keys.request(id)));
  const stepsSucceeded = requests.filter((r) => (r.steps as Record<string, { status: string }> | undefined)?.devices?.status === 'SUCCESS').length;
  if (stepsSucceeded !== consumerMessages) consumer.problems.push(`${stepsSucceeded} of ${consumerMessages} requests have their devices step SUCCESS`);

  const { requestIds: _ids, requestsPerDelete: _counts, ...warmFigures } = warm;
  await send({
    kind: 'result',
    result: {
      warm: warmFigures,
      roundTrips: { byRole, perDeleteByRole, perDelete: spread(perDelete), readFirstByCommand, deletes: perDelete.length },
      consumer: { ...consumer, devicesRevoked, stepsSucceeded },
    },
  });
  client.destroy();
  sqs.destroy();
}

function average(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

const requireEnvVar = (name: string): string => requireChildEnv(name, 'bench/service-bench.ts');

runChild(main);
