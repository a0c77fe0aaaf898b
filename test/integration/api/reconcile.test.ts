import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../infra/local/stack';
import { requestItem } from '../../../shared/adapters/dynamodb/items';
import { keys, requestShard } from '../../../shared/adapters/dynamodb/keys';
import type { DeletionRequest, RequestStatus } from '../../../shared/domain/model';
import type { ReconcileReport } from '../../../shared/schedule/reconcile';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { eventually, receiveAll, testClients } from '../support/emulators';
import { startTestStack, tableReader } from './stack-harness';

/**
 * The reconciler on a local stack (DynamoDB Local, the SQS emulator) with the stage defaults
 * (republish after 15 minutes, SLA 24 hours). The outbox relay and the queue consumers are not
 * running: an outbox item written now is one "the relay never saw". The receipt signer's stream
 * poller is running: a receipt the reconciler asks for again gets signed. The reconcile function is
 * the catalog's, loaded with its own environment, run by hand (it has no local timer).
 */

let stack: LocalStack;
let table: ReturnType<typeof tableReader>;
const { doc, sqs } = testClients();
const MINUTE = 60_000;

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** A user deletion's request as the delete transaction writes it (open in byTime), with the given status and times. */
function request(status: RequestStatus, createdAt: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const stepStatus = status === 'SUCCESS' ? 'SUCCESS' : status === 'FAILED' ? 'FAILED' : 'PENDING';
  const value: DeletionRequest = {
    requestId: randomUUID(),
    type: 'user.delete',
    subject: { type: 'user', customerId: 'acme', userId: 'u-gone' },
    actor: { sub: 'u-admin', role: 'ADMIN', accountId: 'platform' },
    mode: 'soft',
    status,
    steps: Object.fromEntries(['identity', 'devices', 'sessions', 'email'].map((name) => [name, { status: stepStatus, attempts: 1, updatedAt: createdAt }])),
    createdAt,
    updatedAt: createdAt,
  };
  return { ...requestItem(value), ...extra };
}

function outboxItem(requestId: string, queue: 'send-email' | 'revoke-devices', createdAt: string) {
  const eventId = randomUUID();
  return {
    ...keys.outbox(requestId, queue),
    entityType: 'outbox',
    queue,
    eventId,
    requestId,
    body: JSON.stringify({ eventId, eventVersion: 1, eventType: 'user.deleted', requestId, subject: { type: 'user', customerId: 'acme', userId: 'u-gone' } }),
    createdAt,
  };
}

async function put(item: Record<string, unknown>): Promise<void> {
  await doc.send(new PutCommand({ TableName: stack.tableName, Item: item }));
}

async function reconcileOnce(): Promise<ReconcileReport> {
  return (await stack.schedules.get('reconcile')!.runOnce()) as ReconcileReport;
}

// Stuck: its send-email event is 20 minutes old. Young: its event is 5 minutes old (the relay may still be on it).
const stuck = request('IN_PROGRESS', ago(20 * MINUTE));
const young = request('IN_PROGRESS', ago(5 * MINUTE));
const stuckEvent = outboxItem(String(stuck.requestId), 'send-email', String(stuck.createdAt));
const youngEvent = outboxItem(String(young.requestId), 'revoke-devices', String(young.createdAt));
// SUCCESS 30 minutes ago, its receipt never signed (the signer gave up on the record that flagged it).
const unsigned = request('SUCCESS', ago(40 * MINUTE), { updatedAt: ago(30 * MINUTE), receiptPending: true });
// Overdue: not SUCCESS more than 24 hours after creation. Not overdue: SUCCESS, or younger than 24 hours.
const overdueFailed = request('FAILED', ago(30 * 60 * MINUTE));
const overdueRunning = request('IN_PROGRESS', ago(25 * 60 * MINUTE));
const oldButDone = request('SUCCESS', ago(30 * 60 * MINUTE));
const almostDue = request('IN_PROGRESS', ago(23 * 60 * MINUTE));

beforeAll(async () => {
  // The run's EMF lines would go to the test's stdout.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  stack = await startTestStack(new SeedBuilder().customer('r-1', null).customer('acme', 'r-1').build());
  table = tableReader(stack);
  stack.streamPollers.get('receipt-signer')!.start();
  for (const item of [stuck, young, stuckEvent, youngEvent, unsigned, overdueFailed, overdueRunning, oldButDone, almostDue]) await put(item);
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

it('republishes what the relay never sent, asks again for a lost receipt, and counts the overdue requests', async () => {
  const report = await reconcileOnce();

  // (a) The 20-minute-old event is on its queue, as the relay would have sent it, and out of the outbox.
  expect(report.republished).toEqual([{ requestId: stuck.requestId, queue: 'send-email', eventId: stuckEvent.eventId }]);
  const [message, ...more] = await receiveAll(sqs, stack.queues['send-email'].url, 1);
  expect(more).toEqual([]);
  expect(JSON.parse(String(message?.Body))).toMatchObject({ eventId: stuckEvent.eventId, requestId: stuck.requestId });
  expect(await table.outbox(String(stuck.requestId))).toEqual([]);
  // The 5-minute-old one is left to the relay.
  expect(await table.outbox(String(young.requestId))).toEqual([expect.objectContaining({ eventId: youngEvent.eventId })]);
  const onRevokeDevices = await sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.queues['revoke-devices'].url, WaitTimeSeconds: 1 }));
  expect(onRevokeDevices.Messages ?? []).toEqual([]);

  // (b) The touch reaches the receipt signer: the receipt is signed and the request leaves the open requests.
  expect(report.reaskedReceipts).toEqual([unsigned.requestId]);
  const signed = await eventually(async () => {
    const item = await table.request(String(unsigned.requestId));
    return typeof item?.receipt === 'string' ? item : undefined;
  }, 15000, 'the receipt signed after the reconciler asked again');
  expect(signed).toMatchObject({ receiptReplayAt: report.at, timePk: keys.requestsShard('DONE', requestShard(String(unsigned.requestId))).timePk });
  expect(signed).not.toHaveProperty('receiptPending');

  // (c) Two overdue, oldest first.
  expect(report.overdue.map((r) => [r.requestId, r.status, Math.round(r.ageHours)])).toEqual([
    [overdueFailed.requestId, 'FAILED', 30],
    [overdueRunning.requestId, 'IN_PROGRESS', 25],
  ]);
  expect(report).toMatchObject({ republishFailed: 0, truncated: false });
}, 60000);

it('a second run finds nothing more to send or ask for, and the same overdue requests', async () => {
  const report = await reconcileOnce();

  expect(report.republished).toEqual([]);
  expect(report.reaskedReceipts).toEqual([]);
  expect(report.overdue.map((r) => r.requestId)).toEqual([overdueFailed.requestId, overdueRunning.requestId]);
});
