import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StepName } from '../infra/catalog';
import { LOCAL_CREDENTIALS } from '../infra/local/local-config';
import { DynamoDbDeviceRevoker, DynamoDbStepCheckpoint, type WorkBudget } from '../shared/adapters/dynamodb/cascade-store';
import { DynamoDbContactDirectory } from '../shared/adapters/dynamodb/contact-directory';
import { customerItem, deviceItem, sessionItem, userItem } from '../shared/adapters/dynamodb/items';
import { keys } from '../shared/adapters/dynamodb/keys';
import { DynamoDbLoginDirectory } from '../shared/adapters/dynamodb/login-directory';
import { LocalIdentityProvider } from '../shared/adapters/identity/local-identity-provider';
import { SesMailSender } from '../shared/adapters/mail/ses-sender';
import { TableVpnSessionGateway } from '../shared/adapters/vpn/table-session-gateway';
import type { IdentityProvider } from '../shared/workers/ports';
import { tableStepPorts } from '../shared/workers/step-consumer';
import { workBudgetMs } from '../shared/workers/steps/budget';
import { createDisableLoginsHandler } from '../shared/workers/steps/disable-logins';
import { createEndSessionsHandler } from '../shared/workers/steps/end-sessions';
import { createRevokeDevicesHandler } from '../shared/workers/steps/revoke-devices';
import { createSendEmailHandler } from '../shared/workers/steps/send-email';
import { workerHandler } from '../shared/workers/worker-handler';
import { deleteForCascade, invokeStep } from './cascade';
import { getAll, putAll, type RequestCounter } from './ddb';

/**
 * Item 3 of issue 16: one customer with many devices, sessions and logins deleted, its whole cascade
 * run by the real consumers. Each of the three big steps is cut short once (a budget on a clock that
 * ticks once per item it is asked about, so the cut lands half-way whatever the machine's speed),
 * fails the attempt as a timeout would, and is run again with the step's real budget. Every item's
 * write is counted: each must be written exactly once over both runs.
 */

interface StepRun {
  step: StepName;
  items: number;
  /** Items finished by the cut-short run, and its answer (must be a retry). */
  firstRun: { finished: number; answer: 'done' | 'retry'; seconds: number };
  secondRun: { answer: 'done' | 'retry'; seconds: number };
  /** Writes of the step's items (UpdateItem of a device/session; provider calls for logins) over both runs. */
  writes: number;
}

export interface FullCascadeResult {
  sizes: { devices: number; sessions: number; logins: number };
  seedSeconds: number;
  steps: StepRun[];
  emailSeconds: number;
  /** Whole cascade, both runs of each step and the email: seconds. */
  seconds: number;
  requestStatus: string;
  stepStatuses: Record<string, string>;
  problems: string[];
}

/** A clock that moves one millisecond each time it is read: a budget on it is a number of checks. */
function tickingClock(): () => number {
  let t = 0;
  return () => (t += 1);
}

/** The document client, counting the UpdateItem calls on keys that start with `prefix`. */
function countingUpdates(doc: DynamoDBDocumentClient, prefix: string): { doc: DynamoDBDocumentClient; count: () => number } {
  let count = 0;
  const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
  const wrapped = {
    send: (command: unknown) => {
      if (command instanceof UpdateCommand && String(command.input.Key?.sk).startsWith(prefix)) count += 1;
      return send(command);
    },
  } as unknown as DynamoDBDocumentClient;
  return { doc: wrapped, count: () => count };
}

export async function measureFullCascade(options: {
  doc: DynamoDBDocumentClient;
  tableName: string;
  counter: RequestCounter;
  sizes: { devices: number; sessions: number; logins: number };
  sesEndpoint: string;
  workDir: string;
  onProgress?: (text: string) => void;
}): Promise<FullCascadeResult> {
  const { doc, tableName, sizes } = options;
  const reseller = 'big-reseller';
  const customerId = 'big-customer';
  const pad = (i: number) => String(i).padStart(6, '0');
  const seedStart = performance.now();
  await putAll(
    doc,
    tableName,
    [
      customerItem({ id: reseller, parentId: null, name: 'Reseller', email: 'reseller@example.invalid', activeSubscriptions: 0 }, 1),
      customerItem({ id: customerId, parentId: reseller, name: 'Big Customer', email: 'big@example.invalid', activeSubscriptions: 0 }, 0),
      ...Array.from({ length: sizes.devices }, (_, i) => deviceItem({ id: `d${pad(i)}`, customerId })),
      ...Array.from({ length: sizes.sessions }, (_, i) => sessionItem({ id: `s${pad(i)}`, customerId })),
      ...Array.from({ length: sizes.logins }, (_, i) => userItem({ id: `big-login-${pad(i)}`, customerId, name: `Login ${i}`, email: `login-${i}@example.invalid` })),
    ],
    8,
  );
  const seedSeconds = (performance.now() - seedStart) / 1000;
  options.onProgress?.(`  seeded in ${seedSeconds.toFixed(1)} s`);
  const started = performance.now();
  const { requestId, bodies } = await deleteForCascade(doc, tableName, reseller, customerId);
  const problems: string[] = [];
  const steps: StepRun[] = [];

  // Both runs of one step: a cut at half its items, then its real budget.
  const twice = async (step: StepName, queue: string, items: number, build: (budget: WorkBudget) => Parameters<typeof invokeStep>[1], finished: () => Promise<number>, writes: () => number, halfChecks: number) => {
    const body = bodies[queue];
    if (!body) throw new Error(`no ${queue} event in the outbox`);
    let start = performance.now();
    const first = await invokeStep(step, build({ budgetMs: halfChecks, now: tickingClock() }), body);
    const firstRun = { finished: await finished(), answer: first, seconds: (performance.now() - start) / 1000 };
    start = performance.now();
    const second = await invokeStep(step, build({ budgetMs: workBudgetMs(step) }), body);
    const secondRun = { answer: second, seconds: (performance.now() - start) / 1000 };
    const run: StepRun = { step, items, firstRun, secondRun, writes: writes() };
    steps.push(run);
    if (first !== 'retry') problems.push(`${step}: the cut-short run was not retried`);
    if (firstRun.finished === 0 || firstRun.finished >= items) problems.push(`${step}: the cut-short run finished ${firstRun.finished} of ${items}`);
    if (second !== 'done') problems.push(`${step}: the resumed run did not finish`);
    if (run.writes !== items) problems.push(`${step}: ${run.writes} writes for ${items} items (each must be written once)`);
    options.onProgress?.(`  ${step}: ${firstRun.finished} of ${items} in the cut-short run (${firstRun.seconds.toFixed(1)} s), the rest resumed in ${secondRun.seconds.toFixed(1)} s; ${run.writes} writes`);
  };

  const countStatus = async (prefix: string, count: number, id: (i: number) => string, status: string) =>
    (await getAll(doc, tableName, Array.from({ length: count }, (_, i) => ({ pk: keys.customerPartition(customerId), sk: `${prefix}${id(i)}` })))).filter((item) => item.status === status).length;

  const devices = countingUpdates(doc, keys.prefixes.device);
  await twice(
    'devices',
    'revoke-devices',
    sizes.devices,
    (budget) => workerHandler(createRevokeDevicesHandler({ ...tableStepPorts({ doc, tableName }, 'devices'), devices: new DynamoDbDeviceRevoker(devices.doc, tableName, budget) })),
    () => countStatus(keys.prefixes.device, sizes.devices, (i) => `d${pad(i)}`, 'REVOKED'),
    devices.count,
    Math.floor(sizes.devices / 2),
  );
  const sessions = countingUpdates(doc, keys.prefixes.session);
  await twice(
    'sessions',
    'end-sessions',
    sizes.sessions,
    (budget) => workerHandler(createEndSessionsHandler({ ...tableStepPorts({ doc, tableName }, 'sessions'), sessions: new TableVpnSessionGateway(sessions.doc, tableName, budget) })),
    () => countStatus(keys.prefixes.session, sizes.sessions, (i) => `s${pad(i)}`, 'TERMINATED'),
    sessions.count,
    Math.floor(sizes.sessions / 2),
  );
  const provider = new LocalIdentityProvider(join(options.workDir, 'bench-disabled-logins.json'));
  let providerCalls = 0;
  const counting: IdentityProvider = {
    signOutAndDisable: (login, context) => {
      providerCalls += 1;
      return provider.signOutAndDisable(login, context);
    },
    enable: (login) => provider.enable(login),
  };
  const checkpoint = new DynamoDbStepCheckpoint(doc, tableName, 'identity');
  const identityBody = bodies['disable-logins'];
  const eventId = identityBody ? String((JSON.parse(identityBody) as { eventId: string }).eventId) : '';
  await twice(
    'identity',
    'disable-logins',
    sizes.logins,
    (budget) =>
      workerHandler(createDisableLoginsHandler({ ...tableStepPorts({ doc, tableName }, 'identity'), identity: counting, logins: new DynamoDbLoginDirectory(doc, tableName), checkpoint, budget })),
    async () => (await checkpoint.done({ requestId, eventId })).size,
    () => providerCalls,
    // The budget is checked once per checkpoint's worth of logins (40).
    Math.max(2, Math.ceil(sizes.logins / 80)),
  );

  const ses = new SESv2Client({
    endpoint: options.sesEndpoint,
    region: LOCAL_CREDENTIALS.AWS_REGION,
    credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  });
  const emailStart = performance.now();
  const email = await invokeStep(
    'email',
    workerHandler(createSendEmailHandler({ ...tableStepPorts({ doc, tableName }, 'email'), mail: new SesMailSender(ses), sender: 'bench <no-reply@bench.invalid>', contacts: new DynamoDbContactDirectory(doc, tableName) })),
    bodies['send-email'] ?? '',
  );
  const emailSeconds = (performance.now() - emailStart) / 1000;
  ses.destroy();
  if (email !== 'done') problems.push('email: not sent');
  const seconds = (performance.now() - started) / 1000;

  const [request] = await getAll(doc, tableName, [keys.request(requestId)]);
  const stepStatuses = Object.fromEntries(Object.entries((request?.steps ?? {}) as Record<string, { status: string }>).map(([name, s]) => [name, s.status]));
  const requestStatus = String(request?.status);
  if (requestStatus !== 'SUCCESS') problems.push(`the request is ${requestStatus}: ${JSON.stringify(stepStatuses)}`);
  return { sizes, seedSeconds, steps, emailSeconds, seconds, requestStatus, stepStatuses, problems };
}
