/**
 * Errors a cascade consumer's work may raise. Each carries a `safeMessage` (what the request's
 * step shows as `lastError` and what the logs say, through `describeError` in safe-error.ts)
 * separate from its `cause` (which may hold SDK internals or personal data and is never stored).
 * `permanent` errors cannot succeed by retrying the same message: the step becomes FAILED at once
 * (the message still goes to the DLQ, so a fixed consumer can be redriven).
 */
export abstract class CascadeStepError extends Error {
  abstract readonly permanent: boolean;

  constructor(readonly safeMessage: string, options?: { cause?: unknown }) {
    super(safeMessage, options);
    this.name = new.target.name;
  }
}

/** The message is not a cascade event this consumer understands (bad JSON, unknown version, wrong shape). */
export class UnrecognisedEventError extends CascadeStepError {
  readonly permanent = true;
}

/** The send-email event names no recipient and the subject's address is gone (hard delete). */
export class MissingRecipientError extends CascadeStepError {
  readonly permanent = true;
  constructor() {
    super('No recipient address for the deleted subject');
  }
}

/** The mail transport refused or failed to take the message. */
export class MailDeliveryError extends CascadeStepError {
  constructor(safeMessage: string, readonly permanent: boolean, options?: { cause?: unknown }) {
    super(safeMessage, options);
  }
}

/** A VPN gateway could not end a session (a real gateway adapter raises this). */
export class VpnGatewayError extends CascadeStepError {
  readonly permanent = false;
}

/**
 * The identity provider refused or failed a call (throttled after its retries, unavailable, denied).
 * Its safe message names the provider's error code and the operation, never the login.
 */
export class IdentityProviderError extends CascadeStepError {
  readonly permanent = false;
}

/** The request item kept changing under us (many concurrent step updates): retry the message. */
export class ProgressConflictError extends CascadeStepError {
  readonly permanent = false;
  constructor(requestId: string) {
    super(`Request ${requestId} changed concurrently; will retry`);
  }
}

export function isPermanent(error: unknown): boolean {
  return error instanceof CascadeStepError && error.permanent;
}

/** A batch's run could not decide every item (an outage, or its time ran out): retried, resuming where it stopped. */
export class BatchIncompleteError extends CascadeStepError {
  readonly permanent = false;
}

/** Items of a batch failed for a reason no retry of the same message fixes: the batch is FAILED; a redrive retries those items. */
export class BatchItemsFailedError extends CascadeStepError {
  readonly permanent = true;
}
