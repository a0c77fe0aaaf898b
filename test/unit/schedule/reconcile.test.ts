import type { QueueId } from '../../../infra/catalog';
import type { RequestStatus } from '../../../shared/domain/model';
import { logger } from '../../../shared/observability/logger';
import type { OutboxStore, QueuePublisher } from '../../../shared/outbox/outbox-relay';
import { createReconcileHandler, ReconcileRunError, type PendingOutboxItem, type ReconcileMetrics, type ReconcileStore } from '../../../shared/schedule/reconcile';

/**
 * The reconciler's run on in-memory ports, at 10:00 with the defaults: republish after 15 minutes
 * (cutoff 09:45), SLA 24 hours (overdue if created before 10:00 the day before and not SUCCESS).
 */

const NOW = '2026-12-22T10:00:00.000Z';
// The run's log lines are not what is tested here.
beforeAll(() => logger.setLogLevel('SILENT'));
const clock = { now: () => new Date(NOW) };
const settings = { completionSlaHours: 24, republishAfterMinutes: 15 };

interface FakeRequest {
  requestId: string;
  createdAt: string;
  status: RequestStatus;
  updatedAt?: string;
  receiptPending?: boolean;
  receipt?: string;
  receiptReplayAt?: string;
}

function outboxItem(requestId: string, queue: QueueId, createdAt: string): PendingOutboxItem {
  return {
    pk: `OUTBOX#${requestId}`,
    sk: `EVENT#${queue}`,
    queue,
    eventId: `ev-${requestId}-${queue}`,
    requestId,
    body: JSON.stringify({ eventType: 'customer.deleted', eventId: `ev-${requestId}-${queue}` }),
    createdAt,
  };
}

/** The table as the store sees it: open requests (as byTime's OPEN shards hold them), outbox items, and the receipt condition. */
function world(requests: FakeRequest[], outbox: PendingOutboxItem[], options: { failPublishTo?: QueueId } = {}) {
  const items = [...outbox];
  const published: { queue: QueueId; eventId: string }[] = [];
  const outboxReads: string[] = [];
  const recorded: Parameters<ReconcileMetrics['record']>[0][] = [];
  const store: ReconcileStore = {
    async *openRequestsCreatedBefore(before) {
      // Two pages, as two shards would give them.
      const open = requests.filter((r) => r.createdAt < before);
      yield open.filter((_, i) => i % 2 === 0).map(({ requestId, createdAt, status }) => ({ requestId, createdAt, status }));
      yield open.filter((_, i) => i % 2 === 1).map(({ requestId, createdAt, status }) => ({ requestId, createdAt, status }));
    },
    outboxOf: async (requestId) => {
      outboxReads.push(requestId);
      return items.filter((item) => item.requestId === requestId);
    },
    reaskReceipt: async (requestId, at, before) => {
      const r = requests.find((x) => x.requestId === requestId) as FakeRequest;
      const holds = r.receiptPending === true && r.receipt === undefined && r.status === 'SUCCESS' && (r.updatedAt ?? '') < before && (r.receiptReplayAt === undefined || r.receiptReplayAt < before);
      if (holds) r.receiptReplayAt = at;
      return holds;
    },
  };
  const publisher: QueuePublisher = {
    publish: async (queue, _body, attributes) => {
      if (queue === options.failPublishTo) throw Object.assign(new Error('queue unreachable'), { name: 'ServiceUnavailable' });
      published.push({ queue, eventId: attributes.eventId });
    },
  };
  const outboxStore: OutboxStore = {
    remove: async (entry) => {
      items.splice(items.findIndex((item) => item.pk === entry.pk && item.sk === entry.sk), 1);
    },
  };
  const metrics: ReconcileMetrics = { record: (counts) => recorded.push(counts) };
  const handler = createReconcileHandler({ store, relay: { publisher, outbox: outboxStore }, clock, settings, metrics });
  return { handler, items, published, outboxReads, recorded, requests };
}

describe('reconcile', () => {
  it('republishes and removes outbox items older than the threshold; leaves younger ones and young requests alone', async () => {
    const w = world(
      [
        { requestId: 'stuck', createdAt: '2026-12-22T09:30:00.000Z', status: 'IN_PROGRESS' },
        { requestId: 'fresh', createdAt: '2026-12-22T09:50:00.000Z', status: 'IN_PROGRESS' },
      ],
      [
        outboxItem('stuck', 'send-email', '2026-12-22T09:30:00.000Z'),
        outboxItem('stuck', 'revoke-devices', '2026-12-22T09:30:00.000Z'),
        // Written at the threshold exactly: not older than it.
        outboxItem('stuck', 'end-sessions', '2026-12-22T09:45:00.000Z'),
        outboxItem('fresh', 'send-email', '2026-12-22T09:50:00.000Z'),
      ],
    );

    const report = await w.handler({});

    expect(w.published).toEqual([
      { queue: 'send-email', eventId: 'ev-stuck-send-email' },
      { queue: 'revoke-devices', eventId: 'ev-stuck-revoke-devices' },
    ]);
    expect(w.items.map((item) => `${item.requestId}/${item.queue}`)).toEqual(['stuck/end-sessions', 'fresh/send-email']);
    // The young request is not even read: only what is older than the threshold can be stuck.
    expect(w.outboxReads).toEqual(['stuck']);
    expect(report).toMatchObject({
      republishBefore: '2026-12-22T09:45:00.000Z',
      republished: [
        { requestId: 'stuck', queue: 'send-email', eventId: 'ev-stuck-send-email' },
        { requestId: 'stuck', queue: 'revoke-devices', eventId: 'ev-stuck-revoke-devices' },
      ],
      republishFailed: 0,
      overdue: [],
    });
    expect(w.recorded).toEqual([{ overdueRequests: 0, republishedEvents: 2, reaskedReceipts: 0 }]);
  });

  it('asks again for a SUCCESS request whose receipt is pending and old; not a recent one, a signed one, an IN_PROGRESS one, nor one asked for lately', async () => {
    const old = '2026-12-22T09:00:00.000Z';
    const w = world(
      [
        { requestId: 'unsigned', createdAt: old, status: 'SUCCESS', updatedAt: '2026-12-22T09:10:00.000Z', receiptPending: true },
        { requestId: 'just-done', createdAt: old, status: 'SUCCESS', updatedAt: '2026-12-22T09:55:00.000Z', receiptPending: true },
        { requestId: 'signed', createdAt: old, status: 'SUCCESS', updatedAt: '2026-12-22T09:10:00.000Z', receiptPending: true, receipt: 'eyJ…' },
        { requestId: 'running', createdAt: old, status: 'IN_PROGRESS', updatedAt: '2026-12-22T09:10:00.000Z' },
        { requestId: 'asked', createdAt: old, status: 'SUCCESS', updatedAt: '2026-12-22T09:10:00.000Z', receiptPending: true, receiptReplayAt: '2026-12-22T09:50:00.000Z' },
      ],
      [],
    );

    const report = await w.handler({});

    expect(report.reaskedReceipts).toEqual(['unsigned']);
    expect(w.requests.find((r) => r.requestId === 'unsigned')?.receiptReplayAt).toBe(NOW);
    expect(w.recorded).toEqual([{ overdueRequests: 0, republishedEvents: 0, reaskedReceipts: 1 }]);
  });

  it('counts and lists the overdue requests, oldest first: not SUCCESS and created more than 24 hours ago', async () => {
    const w = world(
      [
        { requestId: 'late-failed', createdAt: '2026-12-21T08:00:00.000Z', status: 'FAILED' },
        { requestId: 'late-running', createdAt: '2026-12-20T10:00:00.000Z', status: 'IN_PROGRESS' },
        { requestId: 'late-but-done', createdAt: '2026-12-20T10:00:00.000Z', status: 'SUCCESS' },
        { requestId: 'due-now', createdAt: '2026-12-21T10:00:00.000Z', status: 'IN_PROGRESS' },
        { requestId: 'in-time', createdAt: '2026-12-21T11:00:00.000Z', status: 'IN_PROGRESS' },
      ],
      [],
    );

    const report = await w.handler({});

    expect(report.overdue).toEqual([
      { requestId: 'late-running', createdAt: '2026-12-20T10:00:00.000Z', status: 'IN_PROGRESS', ageHours: 48 },
      { requestId: 'late-failed', createdAt: '2026-12-21T08:00:00.000Z', status: 'FAILED', ageHours: 26 },
    ]);
    expect(w.recorded).toEqual([{ overdueRequests: 2, republishedEvents: 0, reaskedReceipts: 0 }]);
  });

  it('keeps an item whose publish fails for the next run, publishes the others, records its metrics, then fails the run', async () => {
    const w = world(
      [{ requestId: 'stuck', createdAt: '2026-12-22T09:00:00.000Z', status: 'IN_PROGRESS' }],
      [outboxItem('stuck', 'send-email', '2026-12-22T09:00:00.000Z'), outboxItem('stuck', 'end-sessions', '2026-12-22T09:00:00.000Z')],
      { failPublishTo: 'send-email' },
    );

    const run = w.handler({});

    await expect(run).rejects.toThrow(ReconcileRunError);
    await expect(run).rejects.toMatchObject({ report: { republishFailed: 1, republished: [{ requestId: 'stuck', queue: 'end-sessions' }] } });
    expect(w.items.map((item) => item.queue)).toEqual(['send-email']);
    expect(w.recorded).toEqual([{ overdueRequests: 0, republishedEvents: 1, reaskedReceipts: 0 }]);
  });

  it('short of time, starts no more work but still counts every overdue request', async () => {
    const w = world(
      [
        { requestId: 'late-1', createdAt: '2026-12-20T10:00:00.000Z', status: 'FAILED' },
        { requestId: 'late-2', createdAt: '2026-12-20T11:00:00.000Z', status: 'FAILED' },
      ],
      [outboxItem('late-1', 'send-email', '2026-12-20T10:00:00.000Z')],
    );

    const report = await w.handler({}, { getRemainingTimeInMillis: () => 5_000 });

    expect(report).toMatchObject({ truncated: true, republished: [] });
    expect(report.overdue.map((r) => r.requestId)).toEqual(['late-1', 'late-2']);
    expect(w.outboxReads).toEqual([]);
  });
});
