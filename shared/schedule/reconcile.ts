import type { Context } from 'aws-lambda';
import type { Clock } from '../domain/deletion-ports';
import type { RequestStatus } from '../domain/model';
import { isOverdue, overdueCreatedBefore } from '../domain/request-sla';
import { errorName } from '../domain/safe-error';
import { logger } from '../observability/logger';
import { publishOutboxEntry, type OutboxEntry, type RelayPorts } from '../outbox/outbox-relay';

/**
 * The reconciler: what recovers a stuck cascade (issue 13 #6). The relay and the receipt signer are
 * stream consumers with bounded retries; a record they gave up on lands on the relay-failures queue
 * while its work stays in the table (the outbox item, the `receiptPending` flag). Every run looks at
 * the open requests older than the threshold (never a scan: the byTime index's OPEN shards) and
 *
 * (a) republishes each outbox item older than the threshold that the relay never removed, through the
 *     relay's own publish-then-remove, so a duplicate is harmless (consumers dedupe on eventId);
 * (b) asks again for each SUCCESS request's receipt still pending and not updated since the threshold
 *     (the store touches the request, and the new stream record reaches the receipt signer);
 * (c) reports the overdue requests (not SUCCESS past `createdAt + COMPLETION_SLA_HOURS`) and counts them.
 *
 * It logs ids and counts only, and publishes the three counts as metrics.
 */

/** An open request, as byTime's OPEN shards give it (keys and the projected status). */
export interface OpenRequest {
  requestId: string;
  createdAt: string;
  status: RequestStatus;
}

/** An outbox item still in the table, with the time it was written. */
export interface PendingOutboxItem extends OutboxEntry {
  createdAt: string;
}

/** The port: where the open requests, their leftover outbox items and their pending receipts are. */
export interface ReconcileStore {
  /** Requests not yet done (not SUCCESS with their receipt stored) created strictly before `before`, a page at a time. */
  openRequestsCreatedBefore(before: string): AsyncIterable<OpenRequest[]>;
  /** The outbox items of one request still in the table (read consistently). */
  outboxOf(requestId: string): Promise<PendingOutboxItem[]>;
  /**
   * Asks again for a request's receipt: changes the request only if it is SUCCESS, its receipt is still
   * pending and not stored, and neither it nor a previous ask changed after `before`; false otherwise.
   */
  reaskReceipt(requestId: string, at: string, before: string): Promise<boolean>;
}

/** What a run publishes (CloudWatch metrics in AWS). */
export interface ReconcileMetrics {
  record(counts: { overdueRequests: number; republishedEvents: number; reaskedReceipts: number }): void;
}

export interface ReconcileSettings {
  completionSlaHours: number;
  republishAfterMinutes: number;
}

export interface ReconcilePorts {
  store: ReconcileStore;
  relay: RelayPorts;
  clock: Clock;
  settings: ReconcileSettings;
  metrics: ReconcileMetrics;
}

export interface OverdueRequest extends OpenRequest {
  /** Hours since its creation, one decimal. */
  ageHours: number;
}

export interface ReconcileReport {
  /** The run's time, and the creation time before which an item or a request counts as stuck. */
  at: string;
  republishBefore: string;
  /** Events published again (and removed from the outbox). */
  republished: { requestId: string; queue: string; eventId: string }[];
  /** Outbox items whose publish failed this run: they stay for the next run. */
  republishFailed: number;
  /** Requests whose receipt was asked for again. */
  reaskedReceipts: string[];
  /** Requests past their due time and not SUCCESS, oldest first. */
  overdue: OverdueRequest[];
  /** Stopped early to finish inside the function's timeout: the next run goes on. */
  truncated: boolean;
}

/** The run could not republish some events; each one's request and queue are in the log. */
export class ReconcileRunError extends Error {
  constructor(readonly report: ReconcileReport) {
    super(`${report.republishFailed} outbox event(s) could not be republished in this run`);
    this.name = 'ReconcileRunError';
  }
}

const MINUTE_MS = 60_000;
/** Requests worked on at once: each is a Query and a few writes. */
const REQUESTS_IN_FLIGHT = 8;
/** Stop starting new work when less than this is left of the function's time. */
const TIME_RESERVE_MS = 20_000;

export function republishCutoff(now: Date, republishAfterMinutes: number): string {
  return new Date(now.getTime() - republishAfterMinutes * MINUTE_MS).toISOString();
}

export function createReconcileHandler(ports: ReconcilePorts) {
  return async (_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<ReconcileReport> => {
    const now = ports.clock.now();
    const { completionSlaHours, republishAfterMinutes } = ports.settings;
    const republishBefore = republishCutoff(now, republishAfterMinutes);
    const overdueBefore = overdueCreatedBefore(now, completionSlaHours);
    const report: ReconcileReport = { at: now.toISOString(), republishBefore, republished: [], republishFailed: 0, reaskedReceipts: [], overdue: [], truncated: false };
    const outOfTime = () => context !== undefined && context.getRemainingTimeInMillis() < TIME_RESERVE_MS;

    const republishLeftovers = async (request: OpenRequest): Promise<void> => {
      const stale = (await ports.store.outboxOf(request.requestId)).filter((item) => item.createdAt < republishBefore);
      for (const item of stale) {
        try {
          await publishOutboxEntry(item, ports.relay);
          report.republished.push({ requestId: item.requestId, queue: item.queue, eventId: item.eventId });
          logger.info('outbox event republished', { requestId: item.requestId, queue: item.queue, eventId: item.eventId });
        } catch (error) {
          report.republishFailed += 1;
          logger.error('outbox event not republished', { requestId: item.requestId, queue: item.queue, error: errorName(error) });
        }
      }
    };

    const reconcileOne = async (request: OpenRequest): Promise<void> => {
      if (isOverdue(request, completionSlaHours, now)) {
        report.overdue.push({ ...request, ageHours: Math.floor((now.getTime() - Date.parse(request.createdAt)) / (MINUTE_MS * 6)) / 10 });
      }
      // Short of time, the run still counts (the index pages are already read) but starts no more work.
      if (request.createdAt >= republishBefore || report.truncated) return;
      await republishLeftovers(request);
      if (request.status === 'SUCCESS' && (await ports.store.reaskReceipt(request.requestId, report.at, republishBefore))) {
        report.reaskedReceipts.push(request.requestId);
        logger.info('deletion receipt asked for again', { requestId: request.requestId });
      }
    };

    // One read covers both: requests old enough to be stuck, and those old enough to be overdue.
    const before = republishBefore > overdueBefore ? republishBefore : overdueBefore;
    for await (const page of ports.store.openRequestsCreatedBefore(before)) {
      for (let i = 0; i < page.length; i += REQUESTS_IN_FLIGHT) {
        if (!report.truncated && outOfTime()) report.truncated = true;
        await Promise.all(page.slice(i, i + REQUESTS_IN_FLIGHT).map(reconcileOne));
      }
    }
    report.overdue.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));

    ports.metrics.record({ overdueRequests: report.overdue.length, republishedEvents: report.republished.length, reaskedReceipts: report.reaskedReceipts.length });
    logger.info('reconcile run', {
      republished: report.republished.length,
      republishFailed: report.republishFailed,
      reaskedReceipts: report.reaskedReceipts.length,
      overdue: report.overdue.length,
      // Ids only, and a bounded number of them: the rest are in the index (GET /api/v2/requests?overdue=true).
      overdueRequestIds: report.overdue.slice(0, 20).map((r) => r.requestId),
      truncated: report.truncated,
    });
    if (report.republishFailed > 0) throw new ReconcileRunError(report);
    return report;
  };
}
