import type { ErrorKind, NotFoundKind } from '../domain/errors';

/**
 * How the API answers each kind of DomainError: the one table of statuses and codes (SPEC.md,
 * "API v1" and "API v2"). `error-mapping.ts` builds both response shapes from it.
 *
 * - `status`: the HTTP status, for v1 and v2 alike.
 * - `v1Code`: the v1 body's `code` when the error carries no specific one (most do:
 *   `SCOPE_MISSING`, `INVALID_CUSTOMER_ID`, `CUSTOMER_NOT_FOUND`, ...). The v1 `message` is always
 *   the error's own, which is written for the caller.
 * - `v2`: the NAK's `errorCode` and `errorMessage`; `OWN_MESSAGE` where the error's own message is
 *   the answer (it names what is malformed or blocked). The not-found row answers per object.
 * - `headers`: added to the response, v1 and v2 alike.
 */

/** In the v2 column: the errorMessage is the error's own message. */
export const OWN_MESSAGE: unique symbol = Symbol('the error’s own message');

export interface V2Answer {
  readonly errorCode: string;
  readonly errorMessage: string | typeof OWN_MESSAGE;
}

export interface KindAnswer<V2 = V2Answer> {
  readonly status: number;
  readonly v1Code: string;
  readonly v2: V2;
  readonly headers?: Readonly<Record<string, string>>;
}

type KindTable = { readonly [K in ErrorKind]: KindAnswer<K extends 'not-found' ? Readonly<Record<NotFoundKind, V2Answer>> : V2Answer> };

export const ERROR_KIND_ANSWERS: KindTable = {
  'invalid-input': { status: 400, v1Code: 'INVALID_INPUT', v2: { errorCode: 'VALIDATION_1001', errorMessage: OWN_MESSAGE } },
  unauthenticated: {
    status: 401,
    v1Code: 'INVALID_TOKEN',
    v2: { errorCode: 'AUTH_1001', errorMessage: 'Unauthorized' },
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  },
  forbidden: { status: 403, v1Code: 'FORBIDDEN', v2: { errorCode: 'AUTH_1003', errorMessage: 'Requestor is not eligible' } },
  'not-found': {
    status: 404,
    v1Code: 'NOT_FOUND',
    v2: {
      customer: { errorCode: 'CUSTOMER_1002', errorMessage: 'Customer does not exist' },
      user: { errorCode: 'USER_1002', errorMessage: 'User does not exist' },
      request: { errorCode: 'REQUEST_1002', errorMessage: 'Request does not exist' },
    },
  },
  conflict: { status: 409, v1Code: 'DELETION_BLOCKED', v2: { errorCode: 'VALIDATION_1002', errorMessage: OWN_MESSAGE } },
  gone: { status: 410, v1Code: 'GONE', v2: { errorCode: 'CUSTOMER_1003', errorMessage: OWN_MESSAGE } },
  'request-not-complete': { status: 409, v1Code: 'REQUEST_NOT_COMPLETE', v2: { errorCode: 'REQUEST_1003', errorMessage: 'Request is not complete' } },
  'idempotency-key-reused': { status: 422, v1Code: 'IDEMPOTENCY_KEY_REUSED', v2: { errorCode: 'VALIDATION_1002', errorMessage: OWN_MESSAGE } },
  unavailable: { status: 503, v1Code: 'SERVICE_UNAVAILABLE', v2: { errorCode: 'GLOBAL_1001', errorMessage: 'Service unavailable. Please try again' } },
};

/** Anything that is not a DomainError: an internal fault, answered without a word about it. */
export const INTERNAL_FAULT = {
  status: 500,
  v1: { code: 'INTERNAL_ERROR', message: 'Internal server error' },
  v2: { errorCode: 'GLOBAL_1000', errorMessage: 'Internal server error' },
} as const;
