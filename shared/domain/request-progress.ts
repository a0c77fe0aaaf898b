import type { RequestStatus, Step } from './model';
import { safeErrorText } from './safe-error';

/**
 * The state rules of a deletion request's cascade steps. Pure: the DynamoDB adapter reads the
 * request, asks these functions for the next state and writes it back with a conditional update,
 * so every writer (each step's consumer, duplicates, redriven messages) goes through the same rules.
 *
 *   PENDING ──failed attempt──> PENDING   (attempts + 1, lastError)
 *   PENDING ──exhausted──────> FAILED     (the attempt whose message goes to the DLQ, or a permanent error)
 *   PENDING ──succeeded──────> SUCCESS
 *   FAILED  ──failed attempt──> FAILED    (a redriven message failing again: never back to PENDING)
 *   FAILED  ──succeeded──────> SUCCESS    (a redriven message that now works)
 *   SUCCESS ──anything───────> SUCCESS    (terminal: a late failure or a duplicate changes nothing)
 *
 * The request is SUCCESS when all of its steps are, FAILED when any is, IN_PROGRESS otherwise. Its
 * steps are the ones it was created with: an outcome for a step it does not have changes nothing.
 */

export type StepOutcome =
  | { kind: 'succeeded'; count?: number }
  /** `exhausted`: no retry will follow (last delivery before the DLQ, or a permanent failure). */
  | { kind: 'failed'; error: string; exhausted: boolean };

export interface RequestProgressState {
  status: RequestStatus;
  steps: Record<string, Step>;
  accessSteps?: readonly string[];
  updatedAt?: string;
}

export interface ProgressTransition {
  changed: boolean;
  status: RequestStatus;
  steps: Record<string, Step>;
  /** Set once every access step has succeeded. */
  accessRevokedAt?: string;
  updatedAt: string;
}

function later(a: string, b: string): string {
  return a >= b ? a : b;
}

/** The next state of one step. `changed` is false when the outcome must not touch the step. */
export function nextStep(current: Step | undefined, outcome: StepOutcome, at: string): { step: Step; changed: boolean } {
  const base: Step = current ?? { status: 'PENDING', attempts: 0, updatedAt: at };
  if (base.status === 'SUCCESS') return { step: base, changed: false };
  const attempts = base.attempts + 1;
  const updatedAt = later(base.updatedAt, at);
  if (outcome.kind === 'succeeded') {
    // A success says what it changed and leaves no stale error behind (a redriven step that now works).
    const { lastError: _cleared, ...rest } = base;
    return { step: { ...rest, status: 'SUCCESS', attempts, updatedAt, ...(outcome.count !== undefined ? { count: outcome.count } : {}) }, changed: true };
  }
  // A report older than what the step already shows still counts as an attempt (and may still
  // exhaust it), but does not overwrite the newer error text.
  const stale = at < base.updatedAt;
  const lastError = stale && base.lastError !== undefined ? base.lastError : safeErrorText(outcome.error);
  const status = outcome.exhausted ? 'FAILED' : base.status;
  return { step: { ...base, status, attempts, lastError, updatedAt }, changed: true };
}

export function deriveRequestStatus(steps: Record<string, Step>): RequestStatus {
  const statuses = Object.values(steps).map((step) => step.status);
  if (statuses.every((s) => s === 'SUCCESS')) return 'SUCCESS';
  if (statuses.some((s) => s === 'FAILED')) return 'FAILED';
  return 'IN_PROGRESS';
}

/**
 * When access ended: the time the last of the access steps succeeded, once all of them have (a
 * step's `updatedAt` is the time of its successful attempt and never moves after SUCCESS).
 * Undefined while any is not SUCCESS, or for a request with no access steps.
 */
export function accessRevokedAt(steps: Record<string, Step>, accessSteps: readonly string[] | undefined): string | undefined {
  if (!accessSteps || accessSteps.length === 0) return undefined;
  const times: string[] = [];
  for (const name of accessSteps) {
    const step = steps[name];
    if (step?.status !== 'SUCCESS') return undefined;
    times.push(step.updatedAt);
  }
  return times.reduce(later);
}

/** A new request's steps, all waiting. */
export function pendingSteps(names: readonly string[], at: string): Record<string, Step> {
  return Object.fromEntries(names.map((name) => [name, { status: 'PENDING', attempts: 0, updatedAt: at }]));
}

/** Applies one step outcome to a request: the new steps, the derived request status, and whether anything changed. */
export function applyStepOutcome(request: RequestProgressState, stepName: string, outcome: StepOutcome, at: string): ProgressTransition {
  const { steps } = request;
  const current = steps[stepName];
  const unchanged = { changed: false, status: request.status, steps, updatedAt: request.updatedAt ?? at };
  // A step the request was not created with (an event of another request type): not this request's business.
  if (current === undefined) return unchanged;
  const { step, changed } = nextStep(current, outcome, at);
  if (!changed) return unchanged;
  const nextSteps = { ...steps, [stepName]: step };
  const revokedAt = accessRevokedAt(nextSteps, request.accessSteps);
  return {
    changed: true,
    status: deriveRequestStatus(nextSteps),
    steps: nextSteps,
    ...(revokedAt ? { accessRevokedAt: revokedAt } : {}),
    updatedAt: request.updatedAt ? later(request.updatedAt, at) : at,
  };
}
