import { randomUUID } from 'node:crypto';
import { requestItem } from '../../../shared/adapters/dynamodb/items';
import { DynamoDbProcessedEvents } from '../../../shared/adapters/dynamodb/processed-events';
import { DynamoDbRequestProgressStore } from '../../../shared/adapters/dynamodb/request-progress-store';
import type { ServiceMetrics } from '../../../shared/observability/metrics';
import type { EventClaim } from '../../../shared/workers/ports';
import { deletionRequestFactory } from '../../fixtures/cascade-events';
import { putItems, workerTestBed, type TestBed } from './harness';

/** Only the two milestones the progress store publishes, in order. */
function recordingMilestones(): ServiceMetrics & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  const ignore = () => undefined;
  return {
    calls,
    deletionAccepted: ignore,
    refused: ignore,
    stepFailed: ignore,
    requestSucceeded: (...args) => calls.push(['requestSucceeded', ...args]),
    accessCutOff: (...args) => calls.push(['accessCutOff', ...args]),
  };
}

describe('request progress publishes time to access cut-off and to SUCCESS', () => {
  let bed: TestBed;
  let processed: DynamoDbProcessedEvents;
  const createdAt = '2026-11-22T07:30:00.000Z';
  const minutesLater = (minutes: number) => new Date(Date.parse(createdAt) + minutes * 60_000).toISOString();

  beforeAll(async () => {
    bed = await workerTestBed();
    processed = new DynamoDbProcessedEvents(bed.doc, bed.tableName, { leaseSeconds: 35 });
  });

  afterAll(() => bed.destroy());

  async function claimed(consumer: string, requestId: string): Promise<EventClaim> {
    const result = await processed.claim(consumer, randomUUID(), { requestId, now: new Date(createdAt) });
    if (result.outcome !== 'claimed') throw new Error(`expected a claim, got ${result.outcome}`);
    return result.claim;
  }

  it('publishes each milestone once, when the write that reaches it commits, measured from createdAt', async () => {
    // Prepare
    const metrics = recordingMilestones();
    const progress = new DynamoDbRequestProgressStore(bed.doc, bed.tableName, metrics);
    const request = deletionRequestFactory({ type: 'user.delete', accessSteps: ['devices', 'sessions'], createdAt, updatedAt: createdAt });
    await putItems(bed.doc, bed.tableName, [requestItem(request)]);
    const { requestId } = request;

    // Act
    await progress.complete(requestId, 'devices', await claimed('revoke-devices', requestId), minutesLater(1));
    const afterOneAccessStep = [...metrics.calls];
    await progress.complete(requestId, 'sessions', await claimed('end-sessions', requestId), minutesLater(2));
    await progress.recordFailure(requestId, 'email', { error: 'Unexpected error (TimeoutError)', exhausted: false }, minutesLater(3));
    await progress.complete(requestId, 'email', await claimed('send-email', requestId), minutesLater(4));
    await progress.complete(requestId, 'email', await claimed('send-email', requestId), minutesLater(5));

    // Assess
    expect(afterOneAccessStep).toEqual([]);
    expect(metrics.calls).toEqual([
      ['accessCutOff', 'user.delete', 2 * 60_000],
      ['requestSucceeded', 'user.delete', 4 * 60_000],
    ]);
  });

  it('publishes SUCCESS once when the last steps finish at the same moment', async () => {
    // Prepare
    const metrics = recordingMilestones();
    const progress = new DynamoDbRequestProgressStore(bed.doc, bed.tableName, metrics);
    const request = deletionRequestFactory({ createdAt, updatedAt: createdAt });
    await putItems(bed.doc, bed.tableName, [requestItem(request)]);

    // Act
    await Promise.all(Object.keys(request.steps).map(async (step) => progress.complete(request.requestId, step, await claimed(`race-${step}`, request.requestId), minutesLater(1))));

    // Assess
    expect(metrics.calls).toEqual([['requestSucceeded', 'customer.delete', 60_000]]);
  });
});
