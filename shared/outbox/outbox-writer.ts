import { randomUUID } from 'node:crypto';
import { stepsFor, type QueueId } from '../../infra/catalog';
import type { DeletionFact, NewRequest } from '../domain/deletion-ports';
import type { DeletionRequest } from '../domain/model';
import { pendingSteps } from '../domain/request-progress';
import type { CascadeEvent } from '../events/cascade-event';

/**
 * The outbox writer: where a deletion fact meets the step declarations. A request of a given type
 * and mode runs the steps that declare they join it; each of those steps gets its own event (its
 * own `eventId`, which its consumer is idempotent on) on its own queue, and only a step that
 * declares `carriesRecipient` gets the subject's address. Add a step to the catalog and it is in
 * the request and in the outbox here, with no second edit.
 */

/** One cascade event waiting in the outbox for the relay, addressed to a step's queue. */
export interface OutboxEntry {
  queue: QueueId;
  event: CascadeEvent;
}

export interface CascadeWrite {
  /** The request with its steps, all PENDING. */
  request: DeletionRequest;
  outbox: OutboxEntry[];
}

export function cascadeWriteFor(request: NewRequest, fact: DeletionFact, newId: () => string = randomUUID): CascadeWrite {
  const joining = stepsFor(request.type, request.mode);
  const { recipient, ...shared } = fact;
  return {
    request: {
      ...request,
      steps: pendingSteps(joining.map((step) => step.name), request.createdAt),
      // A restore gives access back: its identity step enables logins, so it has no accessRevokedAt.
      accessSteps: request.type === 'customer.restore' ? [] : joining.filter((step) => step.cutsAccess).map((step) => step.name),
    },
    outbox: joining.map((step) => ({
      queue: step.consumer.name as QueueId,
      event: { eventId: newId(), eventVersion: 1, ...shared, ...(step.carriesRecipient && recipient ? { recipient } : {}) },
    })),
  };
}
