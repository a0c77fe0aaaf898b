import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createRevokeDevicesHandler } from '../../../shared/workers/steps/revoke-devices';
import { DynamoDbDeviceRevoker } from '../../../shared/adapters/dynamodb/cascade-store';
import { deviceItem, requestItem } from '../../../shared/adapters/dynamodb/items';
import type { DeviceRevoker } from '../../../shared/workers/ports';
import { cascadeEventFactory, requestForEvent } from '../../fixtures/cascade-events';
import { pollerFor, stepPorts, pollUntil, putItems, queueDepth, readRequest, sendBodies, workerTestBed, type TestBed } from './harness';

describe('revoke-devices: a bad record in a batch of ten', () => {
  let bed: TestBed;

  beforeAll(async () => {
    bed = await workerTestBed();
  });

  afterAll(() => bed.destroy());

  async function seedEvents(count: number, label: string) {
    const events = Array.from({ length: count }, (_, i) => cascadeEventFactory({ subject: { type: 'customer', customerId: `${label}-${i}` } }));
    await putItems(bed.doc, bed.tableName, [
      ...events.map((e) => requestItem(requestForEvent(e))),
      ...events.map((e) => deviceItem({ id: 'd1', customerId: e.subject.customerId })),
    ]);
    return events;
  }

  it('parks a poison message: nine succeed, it alone fails, its step shows FAILED at once, and it ends in the DLQ', async () => {
    // Prepare
    const queue = bed.queues['revoke-devices'];
    const good = await seedEvents(9, 'poison-batch');
    const [poisonTarget] = await seedEvents(1, 'poison-target');
    const poison = { ...poisonTarget!, eventVersion: 2 };
    const handler = createRevokeDevicesHandler({ ...stepPorts(bed, 'devices'), devices: new DynamoDbDeviceRevoker(bed.doc, bed.tableName) });
    const poller = pollerFor(bed, 'revoke-devices', handler);
    await sendBodies(bed.sqs, queue.url, [...good.slice(0, 4), poison, ...good.slice(4)]);

    // Act
    const first = await poller.pollOnce();

    // Assess: one batch of ten, one failure reported
    expect(first).toEqual({ received: 10, deleted: 9, failed: 1, wholeBatchFailed: false });
    for (const event of good) expect((await readRequest(bed.doc, bed.tableName, event.requestId)).status).toBe('IN_PROGRESS');
    for (const event of good) expect((await readRequest(bed.doc, bed.tableName, event.requestId)).steps.devices?.status).toBe('SUCCESS');
    const poisoned = await readRequest(bed.doc, bed.tableName, poison.requestId);
    expect(poisoned.steps.devices).toMatchObject({ status: 'FAILED', attempts: 1, lastError: 'Unrecognised cascade event: eventVersion: Invalid input: expected 1' });
    expect(poisoned.status).toBe('FAILED');

    // Act: the redrive policy delivers it maxReceiveCount times, then moves it to the DLQ
    const rest = await pollUntil(poller, async () => (await queueDepth(bed.sqs, queue.dlqUrl)) === 1);

    // Assess
    // Every delivery after the first, up to the queue's maxReceiveCount (5: infra/catalog.ts), fails alone.
    expect(rest.map((o) => [o.received, o.failed])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(await queueDepth(bed.sqs, queue.url)).toBe(0);
    expect((await readRequest(bed.doc, bed.tableName, poison.requestId)).steps.devices).toMatchObject({ status: 'FAILED', attempts: 5 });
    const parked = await bed.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, WaitTimeSeconds: 0, VisibilityTimeout: 1 }));
    expect(JSON.parse(parked.Messages?.[0]?.Body ?? '{}')).toEqual(poison);
  });

  it('retries a record that failed transiently, alone, and it succeeds on its second delivery', async () => {
    // Prepare
    const queue = bed.queues['revoke-devices'];
    const events = await seedEvents(10, 'flaky');
    const flakyTarget = events[7]!.subject.customerId;
    const real = new DynamoDbDeviceRevoker(bed.doc, bed.tableName);
    let failuresLeft = 1;
    const flaky: DeviceRevoker = {
      revokeAll: async (subject, context) => {
        if (subject.customerId === flakyTarget && failuresLeft-- > 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return real.revokeAll(subject, context);
      },
    };
    const poller = pollerFor(bed, 'revoke-devices', createRevokeDevicesHandler({ ...stepPorts(bed, 'devices'), devices: flaky }));
    const parkedBefore = await queueDepth(bed.sqs, queue.dlqUrl);
    await sendBodies(bed.sqs, queue.url, events);

    // Act
    const outcomes = await pollUntil(poller, (seen) => seen.reduce((n, o) => n + o.deleted, 0) === 10);

    // Assess
    expect(outcomes.map((o) => [o.received, o.deleted, o.failed])).toEqual([
      [10, 9, 1],
      [1, 1, 0],
    ]);
    // Two attempts, the second a success: its error is cleared and what it changed is counted.
    const retried = (await readRequest(bed.doc, bed.tableName, events[7]!.requestId)).steps.devices;
    expect(retried).toMatchObject({ status: 'SUCCESS', attempts: 2, count: expect.any(Number) });
    expect(retried).not.toHaveProperty('lastError');
    expect(await queueDepth(bed.sqs, queue.dlqUrl)).toBe(parkedBefore);
  });
});
