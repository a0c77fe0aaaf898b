import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ConflictError, DomainError, NotFoundError } from '../domain/errors';
import { ERROR_KIND_ANSWERS, INTERNAL_FAULT, OWN_MESSAGE, type KindAnswer } from './error-kinds';

/**
 * The only place errors become HTTP, by the table in error-kinds.ts. A DomainError's message is
 * written for the caller; any other error is an internal fault and becomes a generic 500 whose
 * body says nothing about it.
 */

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/**
 * The table's row for a DomainError's kind, its v2 answer resolved (not-found: by the missing
 * object). `undefined` for a not-found DomainError that is not a NotFoundError: it names no
 * object, so the table has no answer for it and it is answered as an internal fault.
 */
export function answerFor(error: DomainError): KindAnswer | undefined {
  if (error instanceof NotFoundError) {
    const row = ERROR_KIND_ANSWERS['not-found'];
    return { ...row, v2: row.v2[error.object] };
  }
  return error.kind === 'not-found' ? undefined : ERROR_KIND_ANSWERS[error.kind];
}

/** v1 (`DELETE /customer/{id}`): `{ success: false, message, code }`, 409 with its blockers. */
export function toV1ErrorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  const answer = error instanceof DomainError ? answerFor(error) : undefined;
  if (!(error instanceof DomainError) || !answer) {
    return jsonResponse(INTERNAL_FAULT.status, { success: false, message: INTERNAL_FAULT.v1.message, code: INTERNAL_FAULT.v1.code });
  }
  const body: Record<string, unknown> = { success: false, message: error.message, code: error.code ?? answer.v1Code };
  if (error instanceof ConflictError) {
    body.blockers = error.blockers;
    body.blockersTotal = error.blockersTotal;
  }
  return jsonResponse(answer.status, body, { ...answer.headers });
}

export function v2Nak(status: number, errorCode: string, errorMessage: string, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(status, { errorCode, errorMessage, content: '', pageable: '' }, headers);
}

/** v2 (`/api/v2/...`): the NAK envelope with the codes of SPEC.md's table. */
export function toV2ErrorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  const answer = error instanceof DomainError ? answerFor(error) : undefined;
  if (!(error instanceof DomainError) || !answer) return v2Nak(INTERNAL_FAULT.status, INTERNAL_FAULT.v2.errorCode, INTERNAL_FAULT.v2.errorMessage);
  const { errorCode, errorMessage } = answer.v2;
  return v2Nak(answer.status, errorCode, errorMessage === OWN_MESSAGE ? error.message : errorMessage, { ...answer.headers });
}

/**
 * The code an error response told the caller: the v1 body's `code` or the v2 NAK's `errorCode`. Read back from the
 * answer itself, so a refusal a handler answers directly is counted like one mapped from an error.
 */
export function answeredCode(response: APIGatewayProxyStructuredResultV2 | undefined): string | undefined {
  if (typeof response?.body !== 'string') return undefined;
  try {
    const body = JSON.parse(response.body) as { code?: unknown; errorCode?: unknown } | null;
    const code = body?.errorCode ?? body?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
