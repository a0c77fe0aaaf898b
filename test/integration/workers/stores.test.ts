import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { requestItem } from '../../../shared/adapters/dynamodb/items';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { DynamoDbProcessedEvents } from '../../../shared/adapters/dynamodb/processed-events';
import { DynamoDbRequestProgressStore } from '../../../shared/adapters/dynamodb/request-progress-store';
import type { EventClaim } from '../../../shared/workers/ports';
import { deletionRequestFactory } from '../../fixtures/cascade-events';
import { putItems, readRequest, workerTestBed, type TestBed } from './harness';

describe('table-backed markers and request progress', () => {
  let bed: TestBed;
  let processed: DynamoDbProcessedEvents;
  let progress: DynamoDbRequestProgressStore;
  const now = new Date('2026-11-22T08:00:00.000Z');

  beforeAll(async () => {
    bed = await workerTestBed();
    processed = new DynamoDbProcessedEvents(bed.doc, bed.tableName, { leaseSeconds: 35 });
    progress = new DynamoDbRequestProgressStore(bed.doc, bed.tableName);
  });

  afterAll(() => bed.destroy());

  async function claimed(consumer: string, eventId: string, requestId: string, at = now): Promise<EventClaim> {
    const result = await processed.claim(consumer, eventId, { requestId, now: at });
    if (result.outcome !== 'claimed') throw new Error(`expected a claim, got ${result.outcome}`);
    return result.claim;
  }

  it('claims an event once: a concurrent claim waits, a completed one is a duplicate, a released one can be claimed again', async () => {
    // Prepare
    const request = deletionRequestFactory();
    await putItems(bed.doc, bed.tableName, [requestItem(request)]);
    const eventId = randomUUID();

    // Act
    const first = await claimed('send-email', eventId, request.requestId);
    const concurrent = await processed.claim('send-email', eventId, { requestId: request.requestId, now });
    await processed.release(first);
    const again = await claimed('send-email', eventId, request.requestId);
    await processed.release(first); // a stale release must not drop the new claim
    const stillHeld = await processed.claim('send-email', eventId, { requestId: request.requestId, now });
    const completed = await progress.complete(request.requestId, 'email', again, now.toISOString());
    const duplicate = await processed.claim('send-email', eventId, { requestId: request.requestId, now });

    // Assess
    expect([concurrent.outcome, stillHeld.outcome, completed, duplicate.outcome]).toEqual(['in-progress', 'in-progress', 'recorded', 'completed']);
  });

  it('lets a delivery take over a claim whose lease has run out (the first invocation died)', async () => {
    // Prepare
    const requestId = randomUUID();
    const eventId = randomUUID();
    const stale = await claimed('revoke-devices', eventId, requestId);

    // Act
    const later = new Date(now.getTime() + 36_000);
    const takeover = await processed.claim('revoke-devices', eventId, { requestId, now: later });
    const lateCompletion = await progress.complete(requestId, 'devices', stale, later.toISOString());

    // Assess
    expect(takeover.outcome).toBe('claimed');
    expect(lateCompletion).toBe('claim-lost');
  });

  it('keeps every step when many consumers finish at the same moment', async () => {
    // Prepare
    const requests = Array.from({ length: 5 }, () => deletionRequestFactory());
    await putItems(bed.doc, bed.tableName, requests.map(requestItem));
    const at = now.toISOString();

    // Act
    const results = await Promise.all(
      requests.flatMap((request) =>
        Object.keys(requests[0]!.steps).map(async (step) => progress.complete(request.requestId, step, await claimed(`race-${step}`, randomUUID(), request.requestId), at)),
      ),
    );

    // Assess
    expect(new Set(results)).toEqual(new Set(['recorded']));
    for (const request of requests) {
      const stored = await readRequest(bed.doc, bed.tableName, request.requestId);
      expect(stored.status).toBe('SUCCESS');
      expect(stored.progressVersion).toBe(3);
    }
  });

  it('never moves a finished step backwards on a late failure, and says so', async () => {
    // Prepare
    const request = deletionRequestFactory();
    await putItems(bed.doc, bed.tableName, [requestItem(request)]);
    await progress.complete(request.requestId, 'devices', await claimed('revoke-devices', randomUUID(), request.requestId), now.toISOString());
    const before = await readRequest(bed.doc, bed.tableName, request.requestId);

    // Act
    const late = await progress.recordFailure(request.requestId, 'devices', { error: 'late', exhausted: true }, '2026-11-22T09:00:00.000Z');

    // Assess
    expect(late).toBe('unchanged');
    expect(await readRequest(bed.doc, bed.tableName, request.requestId)).toEqual(before);
  });

  it('without a request item, records nothing for a failure but still remembers completed work', async () => {
    // Prepare
    const requestId = randomUUID();
    const eventId = randomUUID();
    const claim = await claimed('end-sessions', eventId, requestId);

    // Act
    const failure = await progress.recordFailure(requestId, 'sessions', { error: 'x', exhausted: false }, now.toISOString());
    const completion = await progress.complete(requestId, 'sessions', claim, now.toISOString());

    // Assess
    expect([failure, completion]).toEqual(['no-request', 'no-request']);
    const marker = await bed.doc.send(new GetCommand({ TableName: bed.tableName, Key: keys.processed('end-sessions', eventId) }));
    expect(marker.Item?.status).toBe('COMPLETE');
    const phantom = await bed.doc.send(new GetCommand({ TableName: bed.tableName, Key: keys.request(requestId) }));
    expect(phantom.Item).toBeUndefined();
  });
});
