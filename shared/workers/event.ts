import { parseCascadeEvent, UnknownEventError, type CascadeEvent } from '../events/cascade-event';
import { UnrecognisedEventError } from '../domain/cascade-errors';
import type { BatchSubject, Subject } from '../domain/model';

const EVENT_SUBJECT = {
  'customer.deleted': 'customer',
  'user.deleted': 'user',
  'customer.purged': 'customer',
  'customer.restored': 'customer',
  'batch.requested': 'batch',
} as const;

/** An event about one deletion's subject (a customer or a user): what the deletion steps act on. */
export type DeletionEvent = CascadeEvent & { subject: Subject };
/** A bulk deletion's event: what the batch step splits. */
export type BatchEvent = CascadeEvent & { subject: BatchSubject };

/** A deletion step takes deletion events only: a batch event on its queue is not one it understands (permanent). */
export function asDeletionEvent(event: CascadeEvent): DeletionEvent {
  if (event.subject.type === 'batch') throw new UnrecognisedEventError(`Unrecognised cascade event: ${event.eventType} is not for this step`);
  return event as DeletionEvent;
}

/** The batch step takes batch events only. */
export function asBatchEvent(event: CascadeEvent): BatchEvent {
  if (event.subject.type !== 'batch') throw new UnrecognisedEventError(`Unrecognised cascade event: ${event.eventType} is not for this step`);
  return event as BatchEvent;
}

/**
 * Parses a record body against the versioned schema, and checks what the schema cannot say alone
 * (the event type matches its subject). Anything else is an UnrecognisedEventError: permanent.
 */
export function parseConsumerEvent(body: string): CascadeEvent {
  let event: CascadeEvent;
  try {
    event = parseCascadeEvent(body);
  } catch (error) {
    if (error instanceof UnknownEventError) throw new UnrecognisedEventError(error.message, { cause: error });
    throw error;
  }
  if (EVENT_SUBJECT[event.eventType] !== event.subject.type) {
    throw new UnrecognisedEventError(`Unrecognised cascade event: ${event.eventType} with a ${event.subject.type} subject`);
  }
  return event;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The request id of a message the schema rejected, when one can be read: its step can then show FAILED. */
export function recoverRequestId(body: string): string | undefined {
  try {
    const raw: unknown = JSON.parse(body);
    if (typeof raw !== 'object' || raw === null) return undefined;
    const requestId = (raw as Record<string, unknown>).requestId;
    return typeof requestId === 'string' && UUID.test(requestId) ? requestId : undefined;
  } catch {
    return undefined;
  }
}
