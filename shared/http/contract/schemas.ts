import * as z from 'zod';
import { ID_PATTERN } from '../../domain/model';
import { deletionBodySchema } from '../input';

/**
 * The response bodies of the API, as zod schemas: the OpenAPI document's `components.schemas` are
 * generated from this registry (each schema's `id` is its component name), and the integration tests
 * validate every response they receive against that document. Strict objects: a field a handler adds
 * without saying so here fails those tests.
 */
export const components = z.registry<{ id: string; description?: string }>();

function component<T extends z.core.$ZodType>(id: string, description: string, schema: T): T {
  components.add(schema, { id, description });
  return schema;
}

const timestamp = z.iso.datetime();
/** A request id as the views show it: the service makes UUIDs, but any stored id (a migrated one) is shown as is. */
const storedRequestId = z.string().regex(ID_PATTERN);
const count = z.int().min(0);

export const deletionBody = component('DeletionBody', 'Optional: why, and under which ticket. A hard delete and placing a legal hold need a reason.', deletionBodySchema);

export const blocker = component(
  'Blocker',
  'Why a customer cannot be deleted (or purged) yet.',
  z.strictObject({ type: z.enum(['activeSubscription', 'subCustomer', 'legalHold']), id: z.string().optional(), detail: z.string() }),
);

/** v1 refusals: `{ success: false, message, code }`; a deletion's 409 lists its blockers (at most 100) and their total. */
export const v1Error = component(
  'V1Error',
  'The v1 error envelope. `message` is written for the caller; a 500 says nothing about the fault.',
  z.strictObject({
    success: z.literal(false),
    message: z.string(),
    code: z.string(),
    blockers: z.array(blocker).max(100).optional(),
    blockersTotal: count.optional(),
  }),
);

export const pageable = component(
  'Pageable',
  'Which page this is, and how many there are.',
  z.strictObject({ page: count, size: count, totalPages: count, totalElements: count }),
);

/** v2 success ACK around `content`. */
export function v2Ack<T extends z.core.$ZodType>(id: string, description: string, content: T) {
  return component(id, description, z.strictObject({ errorCode: z.literal(''), errorMessage: z.literal(''), content: z.array(content), pageable }));
}

export const v2Nak = component(
  'V2Nak',
  'The v2 failure envelope (NAK): `errorCode` and `errorMessage`, `content` and `pageable` empty strings.',
  z.strictObject({ errorCode: z.string().min(1), errorMessage: z.string(), content: z.literal(''), pageable: z.literal('') }),
);

/** What API Gateway itself answers (no route, body too large, a handler that crashed or timed out). */
export const gatewayError = component('GatewayError', "API Gateway's own answer, before or around a function.", z.strictObject({ message: z.string() }));

const actor = z.strictObject({ sub: z.string(), role: z.string(), accountId: z.string() });
const subject = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('customer'), customerId: z.string() }),
  z.strictObject({ type: z.literal('user'), customerId: z.string(), userId: z.string() }),
  z.strictObject({ type: z.literal('batch'), size: count }),
]);

export const requestStep = component(
  'RequestStep',
  "One cascade step of a request. `count` is what it changed; `lastError` a PII-free reason, null once it succeeds.",
  z.strictObject({ status: z.enum(['PENDING', 'SUCCESS', 'FAILED']), attempts: count, count, lastError: z.string().nullable(), updatedAt: timestamp }),
);

export const requestView = component(
  'RequestView',
  'A deletion, purge or restore request: who asked and why, its SLA, and each of its steps by name.',
  z.strictObject({
    requestId: storedRequestId,
    type: z.enum(['customer.delete', 'user.delete', 'customer.purge', 'customer.restore', 'batch']),
    status: z.enum(['IN_PROGRESS', 'SUCCESS', 'FAILED']),
    createdAt: timestamp,
    updatedAt: timestamp,
    subject,
    actor,
    mode: z.enum(['soft', 'hard']),
    reason: z.string().optional(),
    ticket: z.string().optional(),
    dueAt: timestamp,
    overdue: z.boolean(),
    completedAt: timestamp.optional(),
    accessRevokedAt: timestamp.optional(),
    steps: z.record(z.string(), requestStep),
  }),
);

export const batchView = component(
  'BatchView',
  "A bulk deletion's request: its totals, and one page of its items (the envelope's pageable is over the items). `refused` counts NOT_FOUND, FORBIDDEN, CONFLICT and UNAUTHORIZED.",
  z.strictObject({
    requestId: storedRequestId,
    type: z.literal('batch'),
    status: z.enum(['IN_PROGRESS', 'SUCCESS', 'FAILED']),
    totals: z.strictObject({ total: count, deleted: count, refused: count, failed: count, pending: count }),
    items: z.array(
      z.strictObject({
        customerId: z.string(),
        outcome: z.enum(['DELETED', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'UNAUTHORIZED', 'FAILED', 'PENDING']),
        requestId: storedRequestId.optional(),
        code: z.string().optional(),
      }),
    ),
  }),
);

export const legalHold = component(
  'LegalHold',
  'A legal hold: while placed, no hard delete or purge.',
  z.strictObject({ placedAt: timestamp, placedBy: z.string(), reason: z.string(), ticket: z.string().optional() }),
);

export const customerView = component(
  'CustomerView',
  "A customer's state and the counts of its users, devices and sessions. A PURGED customer shows no name or email.",
  z.strictObject({
    id: z.string(),
    parentId: z.string().nullable(),
    status: z.enum(['ACTIVE', 'DELETED', 'PURGED']),
    name: z.string().optional(),
    email: z.string().optional(),
    deletedAt: timestamp.optional(),
    purgeAfter: timestamp.optional(),
    purgedAt: timestamp.optional(),
    legalHold: legalHold.optional(),
    purgeBlockedBy: z.literal('legalHold').optional(),
    activeSubscriptions: count,
    liveSubCustomers: count,
    users: z.strictObject({ active: count, deleted: count }),
    devices: z.strictObject({ active: count, revoked: count }),
    sessions: z.strictObject({ active: count, terminated: count }),
  }),
);

export const auditRecord = component(
  'AuditRecord',
  'One audit record (append-only), denied attempts included.',
  z.strictObject({
    auditId: z.string(),
    at: timestamp,
    actor,
    action: z.string(),
    mode: z.string().optional(),
    outcome: z.string(),
    detail: z.string().optional(),
    reason: z.string().optional(),
    ticket: z.string().optional(),
    requestId: z.string().optional(),
  }),
);

export const deletionImpact = z.strictObject({ users: count, devices: count, activeSessions: count });

export const receiptJwks = component(
  'ReceiptJwks',
  'The public keys deletion receipts verify against (current first, then retired ones), public members only.',
  z.strictObject({
    keys: z.array(z.looseObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string(), kid: z.string(), alg: z.literal('ES256'), use: z.literal('sig') })).min(1),
  }),
);
