import type { DeletionMode, DeletionRequest, RequestSubject, RequestType, Role, Step, StepStatus } from './model';

/**
 * What a signed deletion receipt says (SPEC "Signed deletion receipt"): the facts of one request
 * that reached SUCCESS, which personal fields it erased and what was kept, and on what basis. Pure:
 * signing it (JWS, KMS or a file key) is shared/receipts' business; this only decides the content.
 *
 * A step's `count` is what it changed (SPEC "Requests, steps and events"). Steps do not all record
 * one yet: a step that carries a numeric `count` has it in the receipt; one that does not has no
 * `count` member (never a made-up 0), so a receipt never claims a number nobody measured.
 */

/** The receipt's `typ` header: a JWT-shaped receipt, not an access token. */
export const RECEIPT_TYPE = 'deletion-receipt+jwt';

/** Why the audit trail is kept after an erasure. */
export const AUDIT_TRAIL_RETENTION = { what: 'audit trail', basis: 'legal obligation (GDPR Art. 17(3)(b))' } as const;

/** The personal fields a hard delete or a purge erases (the customer's and its users'). */
export const CUSTOMER_ERASED_FIELDS = ['customer.name', 'customer.email', 'user.name', 'user.email'] as const;
/** The personal fields a v2 user deletion erases. */
export const USER_ERASED_FIELDS = ['user.name', 'user.email'] as const;

export interface Retained {
  what: string;
  basis: string;
}

export interface ReceiptStep {
  status: StepStatus;
  /** When the step succeeded (its `updatedAt`, which does not move after SUCCESS). */
  completedAt: string;
  /** What it changed, when the step recorded it (see above). */
  count?: number;
}

export interface ReceiptPayload {
  iss: string;
  /** The request id: one receipt per request. */
  jti: string;
  /** Seconds since the epoch, when it was signed. */
  iat: number;
  type: RequestType;
  subject: RequestSubject;
  actor: { sub: string; role: Role; accountId: string };
  mode: DeletionMode;
  reason?: string;
  ticket?: string;
  requestedAt: string;
  completedAt: string;
  accessRevokedAt?: string;
  steps: Record<string, ReceiptStep>;
  erased: string[];
  retained: Retained[];
}

/** What a receipt needs of a request: the stored request (its steps may carry a `count`). */
export type ReceiptSource = Pick<
  DeletionRequest,
  'requestId' | 'type' | 'subject' | 'actor' | 'mode' | 'reason' | 'ticket' | 'status' | 'createdAt' | 'updatedAt' | 'accessRevokedAt'
> & {
  steps: Record<string, Step & { count?: unknown }>;
  /** When the request reached SUCCESS, if it recorded it. */
  completedAt?: string;
};

export interface ReceiptContext {
  issuer: string;
  /** When it is signed. */
  issuedAt: Date;
  /** A soft-deleted customer's purge date (its record is kept until then). */
  purgeAfter?: string;
}

/** The personal fields a request of this type and mode erased. */
export function erasedFields(type: RequestType, mode: DeletionMode): string[] {
  switch (type) {
    case 'customer.purge':
      return [...CUSTOMER_ERASED_FIELDS];
    case 'customer.delete':
      // A soft delete erases nothing yet: the record waits for its purge (which has its own receipt).
      return mode === 'hard' ? [...CUSTOMER_ERASED_FIELDS] : [];
    case 'user.delete':
      return [...USER_ERASED_FIELDS];
    case 'customer.restore':
      return [];
    // A batch erases nothing itself: each of its customers' deletions is a request with its own receipt.
    case 'batch':
      return [];
  }
}

/** What a request of this type and mode kept, and why. */
export function retainedRecords(type: RequestType, mode: DeletionMode, purgeAfter?: string): Retained[] {
  const retained: Retained[] = [{ ...AUDIT_TRAIL_RETENTION }];
  if (type === 'customer.delete' && mode === 'soft') {
    retained.push({
      what: purgeAfter ? `customer record until ${purgeAfter}` : 'customer record until its purge',
      basis: 'retention period: restorable until purged (storage limitation, GDPR Art. 5(1)(e))',
    });
  }
  return retained;
}

function latest(times: readonly string[], fallback: string): string {
  return times.reduce((a, b) => (a >= b ? a : b), fallback);
}

/** The receipt's steps: status, when each completed, and its count when it has one. */
export function receiptSteps(steps: ReceiptSource['steps']): Record<string, ReceiptStep> {
  return Object.fromEntries(
    Object.entries(steps).map(([name, step]) => {
      const count = typeof step.count === 'number' && Number.isFinite(step.count) ? { count: step.count } : {};
      return [name, { status: step.status, completedAt: step.updatedAt, ...count }];
    }),
  );
}

/** Why a request cannot have a receipt (yet), or undefined when it can. */
export function receiptRefusal(request: Pick<ReceiptSource, 'status' | 'steps'>): string | undefined {
  if (request.status !== 'SUCCESS') return `request is ${request.status}`;
  if (Object.values(request.steps).some((step) => step.status !== 'SUCCESS')) return 'a step is not SUCCESS';
  return undefined;
}

/** The payload of the receipt of a request that reached SUCCESS. Throws for one that has not. */
export function receiptPayload(request: ReceiptSource, context: ReceiptContext): ReceiptPayload {
  const refusal = receiptRefusal(request);
  if (refusal) throw new Error(`No receipt for request ${request.requestId}: ${refusal}`);
  const steps = receiptSteps(request.steps);
  const completedAt = request.completedAt ?? latest(Object.values(steps).map((step) => step.completedAt), request.createdAt);
  return {
    iss: context.issuer,
    jti: request.requestId,
    iat: Math.floor(context.issuedAt.getTime() / 1000),
    type: request.type,
    subject: request.subject,
    actor: { sub: request.actor.sub, role: request.actor.role, accountId: request.actor.accountId },
    mode: request.mode,
    ...(request.reason !== undefined ? { reason: request.reason } : {}),
    ...(request.ticket !== undefined ? { ticket: request.ticket } : {}),
    requestedAt: request.createdAt,
    completedAt,
    ...(request.accessRevokedAt !== undefined ? { accessRevokedAt: request.accessRevokedAt } : {}),
    steps,
    erased: erasedFields(request.type, request.mode),
    retained: retainedRecords(request.type, request.mode, context.purgeAfter),
  };
}
