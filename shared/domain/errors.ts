/**
 * The one error hierarchy. Domain code throws these; `shared/http/error-mapping.ts` is the only
 * place that turns them into HTTP responses (v1 shape and v2 codes). Anything that is not a
 * DomainError is an internal fault and reaches the client as a generic 500.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  /** Stable machine-readable code for the v1 body. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** 400: the request itself is malformed. `message` is shown to the caller and must name the problem. */
export class ValidationError extends DomainError {
  readonly status = 400;
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** 401: no usable token. `reason` is for logs only; callers get a generic message. */
export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly code = 'INVALID_TOKEN';
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super('Invalid or missing token', options);
  }
}

/** 403: authenticated, but not allowed. */
export class ForbiddenError extends DomainError {
  readonly status = 403;
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export type NotFoundKind = 'customer' | 'user' | 'request';

/** 404: absent, already deleted, or not visible to this caller (to avoid leaking existence). */
export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly code: string;
  constructor(readonly kind: NotFoundKind, message?: string) {
    super(message ?? `${kind[0]!.toUpperCase()}${kind.slice(1)} not found`);
    this.code = `${kind.toUpperCase()}_NOT_FOUND`;
  }
}

export interface Blocker {
  type: 'activeSubscription' | 'subCustomer';
  id: string;
  detail: string;
}

/** 409: the target cannot be deleted yet; `blockers` say why. */
export class ConflictError extends DomainError {
  readonly status = 409;
  readonly code = 'DELETION_BLOCKED';
  constructor(readonly blockers: readonly Blocker[], message = 'Customer has active subscriptions or live sub-customers') {
    super(message);
  }
}

/** 422: an Idempotency-Key reused for a different request. */
export class IdempotencyKeyReuseError extends DomainError {
  readonly status = 422;
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('Idempotency-Key was already used for a different request');
  }
}

/** 409: a request with the same Idempotency-Key is still being processed. */
export class IdempotencyInProgressError extends DomainError {
  readonly status = 409;
  readonly code = 'IDEMPOTENCY_IN_PROGRESS';
  constructor() {
    super('A request with this Idempotency-Key is still in progress; retry later');
  }
}

/** 503: a dependency (the JWKS, DynamoDB) is unavailable; the caller may retry. */
export class DependencyUnavailableError extends DomainError {
  readonly status = 503;
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(readonly dependency: string, options?: { cause?: unknown }) {
    super('Service unavailable. Please try again', options);
  }
}
