import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueId } from '../../infra/catalog';
import { isPermanent } from '../domain/cascade-errors';
import { describeError } from '../domain/safe-error';
import type { CascadeEvent } from '../events/cascade-event';
import { serviceMetrics, type ServiceMetrics } from '../observability/metrics';
import { processPartialBatch, type RecordResult } from './batch';
import { asDeletionEvent, parseConsumerEvent, recoverRequestId, type DeletionEvent } from './event';
import type { WorkerLog } from './log';
import type { ProcessedEvents, RequestProgress, WorkContext } from './ports';

/** What a consumer does for one event; returns counts for the log line. Must be idempotent. */
/** What a step's work changed: `count` (the step's count in the request status) and any detail counts for the log line. */
export type WorkCounts = { count: number } & Record<string, number>;

export type CascadeWork<E extends CascadeEvent = DeletionEvent> = (event: E, context: WorkContext) => Promise<WorkCounts>;

/** A step whose work changes one kind of thing: that number is its count, under its own name in the log. */
export function counted(name: string, changed: number): WorkCounts {
  return { count: changed, [name]: changed };
}

export interface CascadeConsumerOptions<E extends CascadeEvent = DeletionEvent> {
  /** The consumer's name: its queue id, and the PROCESSED#<consumer> partition. */
  consumer: QueueId;
  step: string;
  /** The queue's redrive policy: the delivery with this ApproximateReceiveCount is the last one. */
  maxReceiveCount: number;
  processed: ProcessedEvents;
  progress: RequestProgress;
  work: CascadeWork<E>;
  /** Which events the step understands (default: deletion events); anything else is permanent, as an unparsable one. */
  accept?: (event: CascadeEvent) => E;
  log: WorkerLog;
  /** Counts failed attempts by step and outcome (default: this process's, shared/observability/metrics.ts). */
  metrics?: ServiceMetrics;
  now?: () => Date;
  /** Records of one batch processed at once. */
  concurrency?: number;
}

/**
 * The machinery every cascade consumer shares. Per record:
 *
 * 1. Parse against the versioned schema. A message it does not understand is permanent: no work is
 *    done, the step becomes FAILED at once (when a request id can be read from it), and the record
 *    is reported as failed so SQS parks it in the DLQ after maxReceiveCount deliveries (bounded,
 *    never a loop; kept, so a consumer that learns the new version can be redriven).
 * 2. Claim PROCESSED#<consumer>/<eventId> (conditional put with a lease). Already COMPLETE: a
 *    duplicate, reported as processed, nothing changes. Claimed by a concurrent delivery: retry later.
 * 3. Do the (idempotent) work.
 * 4. In ONE transaction: the marker becomes COMPLETE and the step SUCCESS.
 * 5. On failure: release the claim, record attempts/lastError on the step (FAILED when this was the
 *    last delivery, ApproximateReceiveCount >= maxReceiveCount, or the error is permanent), and
 *    report the record as failed: it alone is retried through the queue's redrive policy.
 */
export function createCascadeConsumer<E extends CascadeEvent = DeletionEvent>(options: CascadeConsumerOptions<E>): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const { consumer, step, maxReceiveCount, processed, progress, work, log } = options;
  const now = options.now ?? (() => new Date());
  const accept = options.accept ?? (asDeletionEvent as (event: CascadeEvent) => E);
  const metrics = options.metrics ?? serviceMetrics;

  const recordFailure = async (requestId: string, error: string, exhausted: boolean, ids: Record<string, unknown>) => {
    try {
      const result = await progress.recordFailure(requestId, step, { error, exhausted }, now().toISOString());
      if (result === 'no-request') log.warn('no deletion request for this event', ids);
    } catch (writeError) {
      // The message is retried anyway; the next attempt records its own failure.
      log.error('could not record the step failure', { ...ids, error: describeError(writeError) });
    }
  };

  const handleRecord = async (record: SQSRecord): Promise<RecordResult> => {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
    const lastDelivery = receiveCount >= maxReceiveCount;
    const base = { consumer, step, messageId: record.messageId, receiveCount };

    let event: E;
    try {
      event = accept(parseConsumerEvent(record.body));
    } catch (error) {
      const requestId = recoverRequestId(record.body);
      const reason = describeError(error);
      log.error('unrecognised event: parked for the DLQ', { ...base, requestId, reason });
      metrics.stepFailed(step, 'failed');
      if (requestId) await recordFailure(requestId, reason, true, { ...base, requestId });
      return 'retry';
    }

    const ids = { ...base, requestId: event.requestId, eventId: event.eventId };
    const claimed = await processed.claim(consumer, event.eventId, { requestId: event.requestId, now: now() });
    if (claimed.outcome === 'completed') {
      log.info('duplicate event ignored', { ...ids, outcome: 'duplicate' });
      return 'processed';
    }
    if (claimed.outcome === 'in-progress') {
      log.info('event is being processed by another delivery; retry later', { ...ids, outcome: 'busy' });
      return 'retry';
    }

    try {
      const counts = await work(event, { requestId: event.requestId, eventId: event.eventId, at: now().toISOString() });
      const result = await progress.complete(event.requestId, step, claimed.claim, now().toISOString(), counts.count);
      if (result === 'no-request') log.warn('no deletion request for this event', ids);
      log.info('step done', { ...ids, outcome: result === 'claim-lost' ? 'done-elsewhere' : 'success', ...counts });
      return 'processed';
    } catch (error) {
      const reason = describeError(error);
      const exhausted = lastDelivery || isPermanent(error);
      log.warn('step attempt failed', { ...ids, outcome: exhausted ? 'failed' : 'will-retry', permanent: isPermanent(error), reason });
      metrics.stepFailed(step, exhausted ? 'failed' : 'will-retry');
      try {
        await processed.release(claimed.claim);
      } catch (releaseError) {
        log.error('could not release the claim; it expires with its lease', { ...ids, error: describeError(releaseError) });
      }
      await recordFailure(event.requestId, reason, exhausted, ids);
      return 'retry';
    }
  };

  return (event: SQSEvent) =>
    processPartialBatch(event.Records, handleRecord, {
      concurrency: options.concurrency ?? 10,
      onUnexpected: (record, error) => log.error('record failed unexpectedly', { consumer, messageId: record.messageId, error: describeError(error) }),
    });
}
