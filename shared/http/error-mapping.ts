import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ConflictError, DomainError, NotFoundError, UnauthorizedError } from '../domain/errors';

/**
 * The only place errors become HTTP. A DomainError's message is written for the caller; any other
 * error is an internal fault and becomes a generic 500 whose body says nothing about it.
 */

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

function authHeaders(error: unknown): Record<string, string> {
  return error instanceof UnauthorizedError ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {};
}

/** v1 (`DELETE /customer/{id}`): `{ success: false, message, code }`, 409 with its blockers. */
export function toV1ErrorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof DomainError) {
    const body: Record<string, unknown> = { success: false, message: error.message, code: error.code };
    if (error instanceof ConflictError) body.blockers = error.blockers;
    return jsonResponse(error.status, body, authHeaders(error));
  }
  return jsonResponse(500, { success: false, message: 'Internal server error', code: 'INTERNAL_ERROR' });
}

const V2_CODES: Record<number, { errorCode: string; errorMessage: string }> = {
  401: { errorCode: 'AUTH_1001', errorMessage: 'Unauthorized' },
  403: { errorCode: 'AUTH_1003', errorMessage: 'Requestor is not eligible' },
  503: { errorCode: 'GLOBAL_1001', errorMessage: 'Service unavailable. Please try again' },
};

const V2_NOT_FOUND = {
  customer: { errorCode: 'CUSTOMER_1002', errorMessage: 'Customer does not exist' },
  user: { errorCode: 'USER_1002', errorMessage: 'User does not exist' },
  request: { errorCode: 'REQUEST_1002', errorMessage: 'Request does not exist' },
} as const;

export function v2Nak(status: number, errorCode: string, errorMessage: string, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(status, { errorCode, errorMessage, content: '', pageable: '' }, headers);
}

/** v2 (`/api/v2/...`): the NAK envelope with the codes of SPEC.md's table. */
export function toV2ErrorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof NotFoundError) {
    const { errorCode, errorMessage } = V2_NOT_FOUND[error.kind];
    return v2Nak(404, errorCode, errorMessage);
  }
  if (error instanceof DomainError) {
    const mapped = V2_CODES[error.status];
    if (mapped) return v2Nak(error.status, mapped.errorCode, mapped.errorMessage, authHeaders(error));
    if (error.status === 400) return v2Nak(400, 'VALIDATION_1001', error.message);
    if (error.status === 422 || error.status === 409) return v2Nak(error.status, 'VALIDATION_1002', error.message);
  }
  return v2Nak(500, 'GLOBAL_1000', 'Internal server error');
}
