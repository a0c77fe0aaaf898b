/**
 * The one error hierarchy. Domain code throws these; each says what kind of refusal it is and
 * nothing about HTTP. `shared/http/error-kinds.ts` is the only place that turns a kind into a
 * status and codes (v1 and v2). Anything that is not a DomainError is an internal fault and
 * reaches the client as a generic 500.
 */

/** What kind of refusal an error is; the HTTP layer answers each kind in one way. */
export const ERROR_KINDS = [
  /** The request itself is malformed. */
  'invalid-input',
  /** No usable token. */
  'unauthenticated',
  /** Authenticated, but not allowed. */
  'forbidden',
  /** Absent, already deleted, or not visible to this caller. */
  'not-found',
  /** The target cannot be deleted yet, or is not in a state the action applies to. */
  'conflict',
  /** The target existed but is gone for good (a PURGED customer): too late for this action. */
  'gone',
  /** An Idempotency-Key reused for a different request. */
  'idempotency-key-reused',
  /** A request that has not reached SUCCESS, asked for what only a completed one has (its receipt). */
  'request-not-complete',
  /** A dependency is unavailable; the caller may retry. */
  'unavailable',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  /** A stable machine-readable code for the v1 body; without one, the kind's default code answers. */
  readonly code?: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A refusal whose code and message the thrower chooses: the kinds below that carry no fixed code
 * share this one constructor, `(code, message)`, and differ only in their kind.
 */
export abstract class CodedDomainError extends DomainError {
  constructor(override readonly code: string, message: string) {
    super(message);
  }
}

/** The request itself is malformed. `message` is shown to the caller and must name the problem. */
export class ValidationError extends CodedDomainError {
  readonly kind = 'invalid-input';
}

/** No usable token. `reason` is for logs only; callers get a generic message. */
export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthenticated';
  override readonly code: string = 'INVALID_TOKEN';
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super('Invalid or missing token', options);
  }
}

/**
 * A valid token whose actor a deletion has cut off: its login is no longer ACTIVE, or its account
 * is DELETED or PURGED. Refused at once, whatever the token's remaining lifetime (SPEC "Revoked actors").
 */
export class TokenRevokedError extends UnauthorizedError {
  override readonly code = 'TOKEN_REVOKED';
  constructor() {
    super('the actor was revoked by a deletion');
  }
}

/** Authenticated, but not allowed. */
export class ForbiddenError extends CodedDomainError {
  readonly kind = 'forbidden';
}

/** What was not found: the v2 answer names it (`CUSTOMER_1002`, `USER_1002`, `REQUEST_1002`). */
export type NotFoundKind = 'customer' | 'user' | 'request';

/** Absent, already deleted, or not visible to this caller (to avoid leaking existence). */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
  override readonly code: string;
  constructor(readonly object: NotFoundKind, message?: string) {
    super(message ?? `${object[0]!.toUpperCase()}${object.slice(1)} not found`);
    this.code = `${object.toUpperCase()}_NOT_FOUND`;
  }
}

export interface Blocker {
  type: 'activeSubscription' | 'subCustomer' | 'legalHold';
  id?: string;
  detail: string;
}

/** The target cannot be deleted yet; `blockers` say why. */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  override readonly code = 'DELETION_BLOCKED';
  /** `blockers` lists at most MAX_BLOCKERS of them; `blockersTotal` counts them all (SPEC "Blockers"). */
  constructor(readonly blockers: readonly Blocker[], readonly blockersTotal: number = blockers.length, message = 'Customer has active subscriptions, live sub-customers or a legal hold') {
    super(message);
  }
}

/** The target is not in the state an action needs (`NOT_DELETED`, `PARENT_NOT_ACTIVE`, `NO_LEGAL_HOLD`): a 409 without blockers. */
export class StateConflictError extends CodedDomainError {
  readonly kind = 'conflict';
}

/** The target is gone for good (a PURGED customer): nothing can be done to it any more. */
export class GoneError extends CodedDomainError {
  readonly kind = 'gone';
}

/** An Idempotency-Key reused for a different request. */
export class IdempotencyKeyReuseError extends DomainError {
  readonly kind = 'idempotency-key-reused';
  override readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('Idempotency-Key was already used for a different request');
  }
}

/** A request's receipt, asked for while it is IN_PROGRESS or FAILED (or SUCCESS, not yet signed). */
export class RequestNotCompleteError extends DomainError {
  readonly kind = 'request-not-complete';
  override readonly code = 'REQUEST_NOT_COMPLETE';
  constructor() {
    super('Request is not complete');
  }
}

/** A dependency (the JWKS, DynamoDB) is unavailable; the caller may retry. */
export class DependencyUnavailableError extends DomainError {
  readonly kind = 'unavailable';
  override readonly code = 'SERVICE_UNAVAILABLE';
  constructor(readonly dependency: string, options?: { cause?: unknown }) {
    super('Service unavailable. Please try again', options);
  }
}
