// zod/mini: the same validation, a fraction of the bundle (workers' cold start).
import * as z from 'zod/mini';
import { ID_PATTERN } from '../domain/model';
import { en } from 'zod/locales';

// zod/mini ships no messages; the English ones make a rejected event say what is wrong.
z.config(en());

/**
 * The cascade event, version 1. One is emitted per consumer queue for every accepted deletion,
 * each with its own `eventId` (consumers are idempotent on it). Consumers parse with
 * `parseCascadeEvent` and treat anything it rejects as a permanent failure.
 */
const id = z.string().check(z.regex(ID_PATTERN));

export const subjectSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('customer'), customerId: id }),
  z.object({ type: z.literal('user'), customerId: id, userId: id }),
  // A bulk deletion's batch (SPEC "Bulk deletion"): its ids are on the batch request, not in the event.
  z.object({ type: z.literal('batch'), size: z.int().check(z.minimum(1), z.maximum(1000)) }),
]);

export const cascadeEventV1Schema = z.object({
  eventId: z.uuid(),
  eventType: z.enum(['customer.deleted', 'user.deleted', 'customer.purged', 'customer.restored', 'batch.requested']),
  eventVersion: z.literal(1),
  occurredAt: z.iso.datetime(),
  requestId: z.uuid(),
  subject: subjectSchema,
  actor: z.object({ sub: z.string().check(z.minLength(1)), role: z.string(), accountId: z.string().check(z.minLength(1)) }),
  mode: z.enum(['soft', 'hard']),
  reason: z.nullable(z.string()),
  /**
   * Only on the send-email queue's event: where the notice goes. Carried in the event because a
   * hard delete erases the address from the table in the same transaction that emits the event.
   */
  recipient: z.optional(z.object({ email: z.email(), name: z.string() })),
});

export type CascadeEvent = z.infer<typeof cascadeEventV1Schema>;

export class UnknownEventError extends Error {
  constructor(detail: string) {
    super(`Unrecognised cascade event: ${detail}`);
    this.name = 'UnknownEventError';
  }
}

/** Parses a queue message body; throws UnknownEventError for anything that is not a v1 cascade event. */
export function parseCascadeEvent(body: string): CascadeEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new UnknownEventError('body is not JSON');
  }
  const parsed = cascadeEventV1Schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UnknownEventError(`${issue?.path.join('.') || 'event'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
