import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbDeviceRevoker, DynamoDbStepCheckpoint } from '../../../shared/adapters/dynamodb/cascade-store';
import { customerItem, deviceItem, requestItem, userItem } from '../../../shared/adapters/dynamodb/items';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { DynamoDbLoginDirectory } from '../../../shared/adapters/dynamodb/login-directory';
import type { IdentityProvider, Login } from '../../../shared/workers/ports';
import { createDisableLoginsHandler } from '../../../shared/workers/steps/disable-logins';
import { createRevokeDevicesHandler } from '../../../shared/workers/steps/revoke-devices';
import { cascadeEventFactory, pendingStep, requestForEvent } from '../../fixtures/cascade-events';
import { sqsEventFactory, sqsRecordFactory } from '../../unit/workers/factories';
import { putItems, readCustomerItems, readRequest, stepPorts, workerTestBed, type TestBed } from './harness';

/**
 * Item 3 of issue 16, at test size: a consumer cut short (its time budget spent, on a clock that
 * ticks once per item it is asked about) fails the attempt so SQS retries it, and the retry finishes
 * the rest without writing any finished item again. The 10,000-item run is in `npm run bench`.
 */

/** A clock that moves one millisecond each time it is read: a budget on it is a number of checks. */
function tickingClock(): () => number {
  let t = 0;
  return () => (t += 1);
}

/** The document client, counting UpdateItem calls on keys that start with `prefix`. */
function countingUpdates(doc: DynamoDBDocumentClient, prefix: string) {
  const counts = new Map<string, number>();
  const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
  const wrapped = {
    send: (command: unknown) => {
      const sk = command instanceof UpdateCommand ? String(command.input.Key?.sk) : '';
      if (sk.startsWith(prefix)) counts.set(sk, (counts.get(sk) ?? 0) + 1);
      return send(command);
    },
  } as unknown as DynamoDBDocumentClient;
  return { doc: wrapped, counts };
}

describe('a cascade consumer cut short resumes without redoing finished items', () => {
  let bed: TestBed;

  beforeAll(async () => {
    bed = await workerTestBed();
  });
  afterAll(() => bed.destroy());

  it('revoke-devices: 600 devices, the first run stops after 200, the retry revokes the other 400 and none twice', async () => {
    // Prepare
    const event = cascadeEventFactory({ subject: { type: 'customer', customerId: 'scale-devices' } });
    const devices = Array.from({ length: 600 }, (_, i) => deviceItem({ id: `d${String(i).padStart(4, '0')}`, customerId: 'scale-devices' }));
    await putItems(bed.doc, bed.tableName, [customerItem({ id: 'scale-devices', parentId: null, name: 'S', email: 's@example.invalid', activeSubscriptions: 0 }, 0), ...devices, requestItem(requestForEvent(event))]);
    const counted = countingUpdates(bed.doc, keys.prefixes.device);
    const handlerWith = (budget: ConstructorParameters<typeof DynamoDbDeviceRevoker>[2]) =>
      createRevokeDevicesHandler({ ...stepPorts(bed, 'devices'), devices: new DynamoDbDeviceRevoker(counted.doc, bed.tableName, budget) });

    // Act 1: a budget of 201 clock reads (one when it starts, one per device it is about to update)
    const first = await handlerWith({ budgetMs: 201, now: tickingClock() })(sqsEventFactory([sqsRecordFactory(event, { messageId: 'm-1', receiveCount: 1 })]));

    // Assess 1: retried, 200 revoked, the step PENDING with the budget as its error
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    const afterFirst = await readCustomerItems(bed.doc, bed.tableName, 'scale-devices', keys.prefixes.device);
    expect(afterFirst.filter((d) => d.status === 'REVOKED')).toHaveLength(200);
    const step = (await readRequest(bed.doc, bed.tableName, event.requestId)).steps.devices;
    expect(step).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(step?.lastError).toMatch(/^Time budget spent after 200 items/);

    // Act 2: the retry, with no budget to speak of
    const second = await handlerWith({ budgetMs: 25_000 })(sqsEventFactory([sqsRecordFactory(event, { messageId: 'm-1', receiveCount: 2 })]));

    // Assess 2: done; every device revoked, each updated exactly once; the first run's stay as it stamped them
    expect(second).toEqual({ batchItemFailures: [] });
    const after = await readCustomerItems(bed.doc, bed.tableName, 'scale-devices', keys.prefixes.device);
    expect(after.filter((d) => d.status === 'REVOKED')).toHaveLength(600);
    expect(counted.counts.size).toBe(600);
    expect([...counted.counts.values()].every((n) => n === 1)).toBe(true);
    const firstStamp = new Set(afterFirst.filter((d) => d.status === 'REVOKED').map((d) => String(d.sk)));
    const stampsOfFirst = new Set(after.filter((d) => firstStamp.has(String(d.sk))).map((d) => d.revokedAt));
    expect(stampsOfFirst.size).toBe(1);
    expect(after.filter((d) => !firstStamp.has(String(d.sk))).every((d) => !stampsOfFirst.has(d.revokedAt))).toBe(true);
    expect((await readRequest(bed.doc, bed.tableName, event.requestId)).steps.devices).toMatchObject({ status: 'SUCCESS', count: 400 });
  }, 60_000);

  it('disable-logins: 200 logins, a run failing at the provider after 120 is retried and disables only the other 80', async () => {
    // Prepare
    const event = cascadeEventFactory({ subject: { type: 'customer', customerId: 'scale-logins' } });
    const logins = Array.from({ length: 200 }, (_, i) => userItem({ id: `login-${String(i).padStart(3, '0')}`, customerId: 'scale-logins', name: `L ${i}`, email: `l${i}@example.invalid` }));
    await putItems(bed.doc, bed.tableName, [customerItem({ id: 'scale-logins', parentId: null, name: 'S', email: 's@example.invalid', activeSubscriptions: 0 }, 0), ...logins, requestItem(requestForEvent(event))]);
    const calls = new Map<string, number>();
    let failFrom: number | undefined = 120;
    const provider: IdentityProvider = {
      signOutAndDisable: async (login: Login) => {
        // The injected failure: the provider refuses every call after the first 120 of this run.
        if (failFrom !== undefined && [...calls.values()].reduce((a, b) => a + b, 0) >= failFrom) throw new Error('injected provider failure');
        calls.set(login.id, (calls.get(login.id) ?? 0) + 1);
        return 'disabled';
      },
      enable: async () => 'enabled',
    };
    const checkpoint = new DynamoDbStepCheckpoint(bed.doc, bed.tableName, 'identity');
    const handler = createDisableLoginsHandler({
      ...stepPorts(bed, 'identity'),
      identity: provider,
      logins: new DynamoDbLoginDirectory(bed.doc, bed.tableName),
      checkpoint,
      budget: { budgetMs: 25_000 },
    });

    // Act 1
    const first = await handler(sqsEventFactory([sqsRecordFactory(event, { messageId: 'm-2', receiveCount: 1 })]));

    // Assess 1: retried after three checkpoints of 40
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    expect(calls.size).toBe(120);
    expect((await checkpoint.done({ requestId: event.requestId, eventId: event.eventId })).size).toBe(120);

    // Act 2: the provider answers again
    failFrom = undefined;
    const second = await handler(sqsEventFactory([sqsRecordFactory(event, { messageId: 'm-2', receiveCount: 2 })]));

    // Assess 2: every login disabled once, and the checkpoint names all 200
    expect(second).toEqual({ batchItemFailures: [] });
    expect(calls.size).toBe(200);
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    expect((await checkpoint.done({ requestId: event.requestId, eventId: event.eventId })).size).toBe(200);
  }, 60_000);

  it('identity on a restore: 200 ACTIVE logins, the first run stops at its time budget after 80, the retry enables only the other 120', async () => {
    // Prepare: a restore of a customer whose 200 logins the deletion left ACTIVE in the table (disabled at the provider)
    const event = cascadeEventFactory({ eventType: 'customer.restored', subject: { type: 'customer', customerId: 'scale-restore' } });
    const logins = Array.from({ length: 200 }, (_, i) => userItem({ id: `login-${String(i).padStart(3, '0')}`, customerId: 'scale-restore', name: `R ${i}`, email: `r${i}@example.invalid` }));
    await putItems(bed.doc, bed.tableName, [customerItem({ id: 'scale-restore', parentId: null, name: 'S', email: 's@example.invalid', activeSubscriptions: 0 }, 0), ...logins, requestItem(requestForEvent(event, { type: 'customer.restore', steps: { identity: pendingStep(), email: pendingStep() } }))]);
    const enables = new Map<string, number>();
    const provider: IdentityProvider = {
      signOutAndDisable: async () => {
        throw new Error('a restore disables nothing');
      },
      enable: async (login: Login) => {
        enables.set(login.id, (enables.get(login.id) ?? 0) + 1);
        return 'enabled';
      },
    };
    const checkpoint = new DynamoDbStepCheckpoint(bed.doc, bed.tableName, 'identity');
    const handlerWith = (budget: { budgetMs: number; now?: () => number }) =>
      createDisableLoginsHandler({ ...stepPorts(bed, 'identity'), identity: provider, logins: new DynamoDbLoginDirectory(bed.doc, bed.tableName), checkpoint, budget });

    // Act 1: a budget of 3 clock reads (one when the run starts, one before each chunk of 40): two chunks, then spent
    const first = await handlerWith({ budgetMs: 3, now: tickingClock() })(sqsEventFactory([sqsRecordFactory(event, { messageId: 'm-3', receiveCount: 1 })]));

    // Assess 1: retried, 80 enabled and checkpointed, the step PENDING with the budget as its error
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-3' }] });
    expect(enables.size).toBe(80);
    expect((await checkpoint.done({ requestId: event.requestId, eventId: event.eventId })).size).toBe(80);
    const step = (await readRequest(bed.doc, bed.tableName, event.requestId)).steps.identity;
    expect(step).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(step?.lastError).toMatch(/^Time budget spent with 120 of 200 logins left/);

    // Act 2: the retry, with a whole budget
    const second = await handlerWith({ budgetMs: 25_000 })(sqsEventFactory([sqsRecordFactory(event, { messageId: 'm-3', receiveCount: 2 })]));

    // Assess 2: done; every login enabled exactly once over both runs, the step counting all 200
    expect(second).toEqual({ batchItemFailures: [] });
    expect(enables.size).toBe(200);
    expect([...enables.values()].every((n) => n === 1)).toBe(true);
    expect((await checkpoint.done({ requestId: event.requestId, eventId: event.eventId })).size).toBe(200);
    expect((await readRequest(bed.doc, bed.tableName, event.requestId)).steps.identity).toMatchObject({ status: 'SUCCESS', count: 200 });
  }, 60_000);
});
