import { stepByName } from '../../../infra/catalog';
import { createEndSessionsHandler } from '../../../shared/workers/steps/end-sessions';
import { redriveDlq } from '../../../shared/adapters/sqs/dlq-copy';
import { requestItem, sessionItem } from '../../../shared/adapters/dynamodb/items';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { TableVpnSessionGateway } from '../../../shared/adapters/vpn/table-session-gateway';
import { VpnGatewayError } from '../../../shared/domain/cascade-errors';
import type { VpnSessionGateway } from '../../../shared/workers/ports';
import { cascadeEventFactory, requestForEvent } from '../../fixtures/cascade-events';
import { pollerFor, stepPorts, pollUntil, putItems, queueDepth, readCustomerItems, readRequest, sendBody, workerTestBed, type TestBed } from './harness';

/** Deliveries before the DLQ, as the sessions step's queue declares them. */
const MAX_RECEIVES = stepByName('sessions').queue.maxReceiveCount;

describe('end-sessions: retries exhausted, then redriven', () => {
  let bed: TestBed;

  beforeAll(async () => {
    bed = await workerTestBed();
  });

  afterAll(() => bed.destroy());

  it('marks the step FAILED when the message goes to the DLQ, and a redrive brings the request back to SUCCESS', async () => {
    // Prepare: the other two steps are done; the VPN gateway is down
    const customerId = 'cust-vpn-down';
    const event = cascadeEventFactory({ subject: { type: 'customer', customerId } });
    const done = { status: 'SUCCESS' as const, attempts: 1, updatedAt: '2026-11-22T07:31:00.000Z' };
    const request = requestForEvent(event);
    await putItems(bed.doc, bed.tableName, [
      requestItem({ ...request, steps: { ...request.steps, devices: done, email: done } }),
      sessionItem({ id: 's1', customerId }),
      sessionItem({ id: 's2', customerId }),
    ]);
    const table = new TableVpnSessionGateway(bed.doc, bed.tableName);
    let gatewayDown = true;
    const gateway: VpnSessionGateway = {
      terminateActiveSessions: async (subject, context) => {
        if (gatewayDown) throw new VpnGatewayError('VPN gateway unavailable');
        return table.terminateActiveSessions(subject, context);
      },
    };
    const queue = bed.queues['end-sessions'];
    const poller = pollerFor(bed, 'end-sessions', createEndSessionsHandler({ ...stepPorts(bed, 'sessions'), sessions: gateway }));
    await sendBody(bed.sqs, queue.url, event);

    // Act: first delivery
    await pollUntil(poller, (seen) => seen.length === 1);

    // Assess: a failed attempt, not yet a failed step
    expect((await readRequest(bed.doc, bed.tableName, event.requestId)).steps.sessions).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'VPN gateway unavailable' });

    // Act: the remaining deliveries, until SQS moves the message to the DLQ
    const rest = await pollUntil(poller, async () => (await queueDepth(bed.sqs, queue.dlqUrl)) === 1);

    // Assess
    // Every delivery up to the queue's declared maxReceiveCount fails, one message each.
    expect(rest.map((o) => o.failed)).toEqual(Array<number>(MAX_RECEIVES - 1).fill(1));
    const failed = await readRequest(bed.doc, bed.tableName, event.requestId);
    expect(failed.steps.sessions).toMatchObject({ status: 'FAILED', attempts: MAX_RECEIVES, lastError: 'VPN gateway unavailable' });
    expect(failed.status).toBe('FAILED');
    expect(await queueDepth(bed.sqs, queue.url)).toBe(0);

    // Act: the gateway is back; redrive the DLQ and let the consumer run
    gatewayDown = false;
    const redriven = await redriveDlq(bed.sqs, { dlqUrl: queue.dlqUrl, sourceUrl: queue.url });
    const after = await pollUntil(poller, (seen) => seen.length === 1);

    // Assess
    expect(redriven).toEqual({ moved: 1, failed: 0 });
    expect(after).toEqual([{ received: 1, deleted: 1, failed: 0, wholeBatchFailed: false }]);
    const recovered = await readRequest(bed.doc, bed.tableName, event.requestId);
    // Redriven and now working: the step's error is cleared and it counts the two sessions it ended.
    expect(recovered.steps.sessions).toMatchObject({ status: 'SUCCESS', attempts: MAX_RECEIVES + 1, count: 2 });
    expect(recovered.steps.sessions).not.toHaveProperty('lastError');
    expect(recovered.status).toBe('SUCCESS');
    const sessions = await readCustomerItems(bed.doc, bed.tableName, customerId, keys.prefixes.session);
    expect(sessions.map((s) => s.status)).toEqual(['TERMINATED', 'TERMINATED']);
    expect(await queueDepth(bed.sqs, queue.dlqUrl)).toBe(0);
  });
});
