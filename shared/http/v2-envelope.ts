import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { StoredRequest } from '../domain/request-query';
import { slaView } from '../domain/request-sla';
import { jsonResponse } from './error-mapping';

/** The v2 success ACK: one page holding the given elements (SPEC.md, API v2). */
export function v2Ack(content: readonly unknown[]): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(200, {
    errorCode: '',
    errorMessage: '',
    content,
    pageable: { page: 0, size: 10, totalPages: 1, totalElements: content.length },
  });
}

/** How a request's view tells its SLA: the stage's completion SLA and the time of the read. */
export interface SlaClock {
  completionSlaHours: number;
  now: Date;
}

/** What a caller sees of a deletion request (SPEC "Requests"): who asked and why, its SLA, each step; no owner internals. */
export function requestView(request: StoredRequest, sla: SlaClock) {
  const steps = Object.fromEntries(
    Object.entries(request.steps).map(([name, step]) => [
      name,
      { status: step.status, attempts: step.attempts, count: step.count ?? 0, lastError: step.lastError ?? null, updatedAt: step.updatedAt },
    ]),
  );
  return {
    requestId: request.requestId,
    type: request.type,
    status: request.status,
    createdAt: request.createdAt,
    updatedAt: request.updatedAt,
    subject: request.subject,
    actor: { sub: request.actor.sub, role: request.actor.role, accountId: request.actor.accountId },
    mode: request.mode,
    ...(typeof request.reason === 'string' ? { reason: request.reason } : {}),
    ...(typeof request.ticket === 'string' ? { ticket: request.ticket } : {}),
    ...slaView(request, sla.completionSlaHours, sla.now),
    ...(request.accessRevokedAt ? { accessRevokedAt: request.accessRevokedAt } : {}),
    steps,
  };
}
