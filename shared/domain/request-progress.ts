import { STEP_NAMES, type RequestStatus, type Step, type StepName } from './model';
import { safeErrorText } from './safe-error';

/**
 * The state rules of a deletion request's cascade steps. Pure: the DynamoDB adapter reads the
 * request, asks these functions for the next state and writes it back with a conditional update,
 * so every writer (three consumers, duplicates, redriven messages) goes through the same rules.
 *
 *   PENDING ──failed attempt──> PENDING   (attempts + 1, lastError)
 *   PENDING ──exhausted──────> FAILED     (the attempt whose message goes to the DLQ, or a permanent error)
 *   PENDING ──succeeded──────> SUCCESS
 *   FAILED  ──failed attempt──> FAILED    (a redriven message failing again: never back to PENDING)
 *   FAILED  ──succeeded──────> SUCCESS    (a redriven message that now works)
 *   SUCCESS ──anything───────> SUCCESS    (terminal: a late failure or a duplicate changes nothing)
 *
 * The request is SUCCESS when all steps are, FAILED when any step is, IN_PROGRESS otherwise.
 */

export type StepOutcome =
  | { kind: 'succeeded' }
  /** `exhausted`: no retry will follow (last delivery before the DLQ, or a permanent failure). */
  | { kind: 'failed'; error: string; exhausted: boolean };

export interface RequestProgressState {
  status: RequestStatus;
  steps: Partial<Record<StepName, Step>>;
  updatedAt?: string;
}

export interface ProgressTransition {
  changed: boolean;
  status: RequestStatus;
  steps: Record<StepName, Step>;
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
    return { step: { ...base, status: 'SUCCESS', attempts, updatedAt }, changed: true };
  }
  // A report older than what the step already shows still counts as an attempt (and may still
  // exhaust it), but does not overwrite the newer error text.
  const stale = at < base.updatedAt;
  const lastError = stale && base.lastError !== undefined ? base.lastError : safeErrorText(outcome.error);
  const status = outcome.exhausted ? 'FAILED' : base.status;
  return { step: { ...base, status, attempts, lastError, updatedAt }, changed: true };
}

export function deriveRequestStatus(steps: Record<StepName, Step>): RequestStatus {
  const statuses = STEP_NAMES.map((name) => steps[name].status);
  if (statuses.every((s) => s === 'SUCCESS')) return 'SUCCESS';
  if (statuses.some((s) => s === 'FAILED')) return 'FAILED';
  return 'IN_PROGRESS';
}

/** Fills in steps a stored request lacks (PENDING, no attempts) so the rules always see all three. */
export function completeSteps(steps: Partial<Record<StepName, Step>>, at: string): Record<StepName, Step> {
  const complete = {} as Record<StepName, Step>;
  for (const name of STEP_NAMES) complete[name] = steps[name] ?? { status: 'PENDING', attempts: 0, updatedAt: at };
  return complete;
}

/** Applies one step outcome to a request: the new steps, the derived request status, and whether anything changed. */
export function applyStepOutcome(request: RequestProgressState, stepName: StepName, outcome: StepOutcome, at: string): ProgressTransition {
  const steps = completeSteps(request.steps, at);
  const { step, changed } = nextStep(request.steps[stepName], outcome, at);
  if (!changed) return { changed: false, status: request.status, steps, updatedAt: request.updatedAt ?? at };
  const nextSteps = { ...steps, [stepName]: step };
  return {
    changed: true,
    status: deriveRequestStatus(nextSteps),
    steps: nextSteps,
    updatedAt: request.updatedAt ? later(request.updatedAt, at) : at,
  };
}
