import type { RequestStatus, Step } from './model';

/**
 * A request's completion SLA (SPEC "Requests"): it is due `completionSlaHours` after its creation,
 * and overdue while it is not SUCCESS past that time. Read-time rules: the stage's setting applies to
 * every request the moment it changes, and nothing stored has to be rewritten. Pure.
 */

const HOUR_MS = 3600 * 1000;

/** When a request created at `createdAt` is due. */
export function dueAt(createdAt: string, completionSlaHours: number): string {
  return new Date(Date.parse(createdAt) + completionSlaHours * HOUR_MS).toISOString();
}

/** Requests created before this time (and not SUCCESS) are overdue at `now`: the list's and the SLA check's key condition. */
export function overdueCreatedBefore(now: Date, completionSlaHours: number): string {
  return new Date(now.getTime() - completionSlaHours * HOUR_MS).toISOString();
}

export function isOverdue(request: { status: RequestStatus; createdAt: string }, completionSlaHours: number, now: Date): boolean {
  return request.status !== 'SUCCESS' && Date.parse(dueAt(request.createdAt, completionSlaHours)) < now.getTime();
}

/**
 * When a SUCCESS request completed: the time its last step succeeded (a step's `updatedAt` does not
 * move after SUCCESS). Undefined for a request that has not completed.
 */
export function completedAtOf(request: { status: RequestStatus; createdAt: string; steps: Record<string, Pick<Step, 'updatedAt'>> }): string | undefined {
  if (request.status !== 'SUCCESS') return undefined;
  return Object.values(request.steps).reduce((latest, step) => (step.updatedAt > latest ? step.updatedAt : latest), request.createdAt);
}

/** The SLA's part of a request's view: `dueAt`, `overdue`, and `completedAt` once SUCCESS. */
export function slaView(
  request: { status: RequestStatus; createdAt: string; steps: Record<string, Pick<Step, 'updatedAt'>> },
  completionSlaHours: number,
  now: Date,
): { dueAt: string; overdue: boolean; completedAt?: string } {
  const completedAt = completedAtOf(request);
  return {
    dueAt: dueAt(request.createdAt, completionSlaHours),
    overdue: isOverdue(request, completionSlaHours, now),
    ...(completedAt !== undefined ? { completedAt } : {}),
  };
}
