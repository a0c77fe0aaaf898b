import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { queueIds, type QueueId } from '../../infra/catalog';
import { errorName } from '../domain/safe-error';
import { logger } from '../observability/logger';

/**
 * The transactional outbox's relay. A deletion commits its cascade events as outbox items in the
 * same transaction as the deletion itself; the table's stream brings each new item here, and the
 * relay publishes it to its queue, then removes it. If SQS is unreachable the record is reported
 * failed and the stream retries it (Lambda: from the first failed sequence number), so a
 * committed deletion's events reach every queue at least once; consumers dedupe on eventId.
 */

export interface OutboxEntry {
  pk: string;
  sk: string;
  queue: QueueId;
  eventId: string;
  requestId: string;
  body: string;
}

const QUEUE_IDS = new Set<string>(queueIds);

/** Publishes one message to a step's queue by its id (SQS in AWS and locally). */
export interface QueuePublisher {
  publish(queue: QueueId, body: string, attributes: { eventType: string; eventId: string }): Promise<void>;
}

/** The outbox items in the table: a published entry is removed. */
export interface OutboxStore {
  remove(entry: Pick<OutboxEntry, 'pk' | 'sk'>): Promise<void>;
}

/** An outbox item as the table holds it (a stream image or a Query's item), if it is one the relay can route. */
export function outboxEntryOf(item: Record<string, unknown>): OutboxEntry | undefined {
  if (item.entityType !== 'outbox' || !QUEUE_IDS.has(String(item.queue)) || typeof item.body !== 'string') return undefined;
  return { pk: String(item.pk), sk: String(item.sk), queue: item.queue as QueueId, eventId: String(item.eventId), requestId: String(item.requestId), body: item.body };
}

export function outboxEntryFrom(record: DynamoDBRecord): OutboxEntry | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  return outboxEntryOf(unmarshall(image as Record<string, AttributeValue>));
}

export interface RelayPorts {
  publisher: QueuePublisher;
  outbox: OutboxStore;
}

/**
 * Publishes one outbox entry to its step's queue, then removes it: the one way an outbox event is
 * sent, by the relay (from the stream) and by the reconciler (an entry the relay never removed).
 * Throws when the publish fails, and the entry stays for the next try. A failed removal after the
 * publish is only logged: the leftover is harmless (consumers dedupe on eventId).
 */
export async function publishOutboxEntry(entry: OutboxEntry, deps: RelayPorts): Promise<void> {
  const eventType = (JSON.parse(entry.body) as { eventType?: string }).eventType ?? 'unknown';
  await deps.publisher.publish(entry.queue, entry.body, { eventType, eventId: entry.eventId });
  await deps.outbox.remove(entry).catch((error: unknown) => {
    logger.warn('outbox entry not removed after publish', { requestId: entry.requestId, queue: entry.queue, error: errorName(error) });
  });
}

export function createOutboxRelay(deps: RelayPorts) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const failures: DynamoDBBatchResponse['batchItemFailures'] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        const entry = outboxEntryFrom(record);
        if (!entry) return;
        try {
          await publishOutboxEntry(entry, deps);
        } catch (error) {
          logger.warn('outbox publish failed; the stream will retry', { requestId: entry.requestId, queue: entry.queue, error: errorName(error) });
          failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
          return;
        }
        logger.info('outbox event published', { requestId: entry.requestId, queue: entry.queue, eventId: entry.eventId });
      }),
    );
    return { batchItemFailures: failures };
  };
}
