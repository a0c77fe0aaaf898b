import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { StoredRequest } from '../domain/request-query';
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

/** What a caller sees of a deletion request: status, subject and each step; no owner internals. */
export function requestView(request: StoredRequest) {
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
    mode: request.mode,
    ...(request.accessRevokedAt ? { accessRevokedAt: request.accessRevokedAt } : {}),
    steps,
  };
}
