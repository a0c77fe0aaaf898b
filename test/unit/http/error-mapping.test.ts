import {
  ConflictError,
  DependencyUnavailableError,
  DomainError,
  ERROR_KINDS,
  ForbiddenError,
  GoneError,
  IdempotencyKeyReuseError,
  NotFoundError,
  RequestNotCompleteError,
  StateConflictError,
  UnauthorizedError,
  ValidationError,
  type ErrorKind,
} from '../../../shared/domain/errors';
import { ERROR_KIND_ANSWERS, INTERNAL_FAULT, OWN_MESSAGE } from '../../../shared/http/error-kinds';
import { toV1ErrorResponse, toV2ErrorResponse } from '../../../shared/http/error-mapping';

const body = (r: { body?: string }) => JSON.parse(r.body ?? '{}') as Record<string, unknown>;

describe('toV1ErrorResponse', () => {
  it.each([
    [new ValidationError('INVALID_MODE', 'mode must be soft or hard'), 400, 'INVALID_MODE'],
    [new UnauthorizedError('expired'), 401, 'INVALID_TOKEN'],
    [new ForbiddenError('NOT_MANAGED', 'Customer is not managed by this reseller'), 403, 'NOT_MANAGED'],
    [new NotFoundError('customer'), 404, 'CUSTOMER_NOT_FOUND'],
    [new ConflictError([{ type: 'subCustomer', id: 'c-2', detail: 'x' }]), 409, 'DELETION_BLOCKED'],
    [new StateConflictError('NOT_DELETED', 'Customer is not deleted'), 409, 'NOT_DELETED'],
    [new GoneError('PURGED', 'Customer was purged'), 410, 'PURGED'],
    [new IdempotencyKeyReuseError(), 422, 'IDEMPOTENCY_KEY_REUSED'],
    [new DependencyUnavailableError('jwks'), 503, 'SERVICE_UNAVAILABLE'],
  ])('maps %p to %i with the v1 shape', (error, status, code) => {
    const response = toV1ErrorResponse(error);
    expect(response.statusCode).toBe(status);
    expect(body(response)).toMatchObject({ success: false, code, message: expect.any(String) });
  });

  it('adds WWW-Authenticate to a 401 only', () => {
    expect(toV1ErrorResponse(new UnauthorizedError('missing')).headers?.['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(toV1ErrorResponse(new NotFoundError('customer')).headers?.['www-authenticate']).toBeUndefined();
  });

  it('never shows the 401 reason to the caller', () => {
    expect(toV1ErrorResponse(new UnauthorizedError('kid abc not in jwks')).body).not.toContain('kid');
  });

  it('lists blockers in a 409', () => {
    expect(body(toV1ErrorResponse(new ConflictError([{ type: 'activeSubscription', id: 'subscriptions', detail: '1' }]))).blockers).toHaveLength(1);
  });

  it('turns anything else into a generic 500 that says nothing about it', () => {
    const response = toV1ErrorResponse(new TypeError("Cannot read properties of undefined (reading 'pk') at /var/task/index.mjs:1"));
    expect(response.statusCode).toBe(500);
    expect(response.body).toBe(JSON.stringify({ success: false, message: 'Internal server error', code: 'INTERNAL_ERROR' }));
  });
});

describe('toV2ErrorResponse', () => {
  it.each([
    [new NotFoundError('customer'), 404, 'CUSTOMER_1002', 'Customer does not exist'],
    [new NotFoundError('user'), 404, 'USER_1002', 'User does not exist'],
    [new UnauthorizedError('expired'), 401, 'AUTH_1001', 'Unauthorized'],
    [new ForbiddenError('NOT_ELIGIBLE', 'x'), 403, 'AUTH_1003', 'Requestor is not eligible'],
    [new DependencyUnavailableError('dynamodb'), 503, 'GLOBAL_1001', 'Service unavailable. Please try again'],
  ])('maps %p to the NAK envelope', (error, status, errorCode, errorMessage) => {
    const response = toV2ErrorResponse(error);
    expect(response.statusCode).toBe(status);
    expect(response.body).toBe(JSON.stringify({ errorCode, errorMessage, content: '', pageable: '' }));
  });

  it('names what is malformed under VALIDATION_1001', () => {
    expect(body(toV2ErrorResponse(new ValidationError('X', 'userId must be ...')))).toEqual({ errorCode: 'VALIDATION_1001', errorMessage: 'userId must be ...', content: '', pageable: '' });
  });

  it('hides internal faults', () => {
    const response = toV2ErrorResponse(new Error('ECONNRESET from 10.0.0.1'));
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('ECONNRESET');
  });
});

describe('the kind → answer table (error-kinds.ts)', () => {
  it('reads as SPEC.md says', () => {
    // Assess: one row per kind; compare by eye with SPEC.md "API v1" and "API v2".
    expect(ERROR_KIND_ANSWERS).toEqual({
      'invalid-input': { status: 400, v1Code: 'INVALID_INPUT', v2: { errorCode: 'VALIDATION_1001', errorMessage: OWN_MESSAGE } },
      unauthenticated: { status: 401, v1Code: 'INVALID_TOKEN', v2: { errorCode: 'AUTH_1001', errorMessage: 'Unauthorized' }, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
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
      'idempotency-key-reused': { status: 422, v1Code: 'IDEMPOTENCY_KEY_REUSED', v2: { errorCode: 'VALIDATION_1002', errorMessage: OWN_MESSAGE } },
      'request-not-complete': { status: 409, v1Code: 'REQUEST_NOT_COMPLETE', v2: { errorCode: 'REQUEST_1003', errorMessage: 'Request is not complete' } },
      unavailable: { status: 503, v1Code: 'SERVICE_UNAVAILABLE', v2: { errorCode: 'GLOBAL_1001', errorMessage: 'Service unavailable. Please try again' } },
    });
    expect(INTERNAL_FAULT).toEqual({
      status: 500,
      v1: { code: 'INTERNAL_ERROR', message: 'Internal server error' },
      v2: { errorCode: 'GLOBAL_1000', errorMessage: 'Internal server error' },
    });
  });

  it('has a row for every kind an error can have', () => {
    // Assess
    expect(Object.keys(ERROR_KIND_ANSWERS).sort()).toEqual([...ERROR_KINDS].sort());
  });

  /** Every error class, by kind (a Record: a new kind without an example does not compile). */
  const examples: Record<ErrorKind, DomainError[]> = {
    'invalid-input': [new ValidationError('INVALID_MODE', 'mode must be soft or hard')],
    unauthenticated: [new UnauthorizedError('expired')],
    forbidden: [new ForbiddenError('SCOPE_MISSING', 'Scope customers:delete is required')],
    'not-found': [new NotFoundError('customer'), new NotFoundError('user'), new NotFoundError('request')],
    conflict: [new ConflictError([]), new StateConflictError('NO_LEGAL_HOLD', 'Customer has no legal hold')],
    gone: [new GoneError('PURGED', 'Customer was purged')],
    'idempotency-key-reused': [new IdempotencyKeyReuseError()],
    'request-not-complete': [new RequestNotCompleteError()],
    unavailable: [new DependencyUnavailableError('dynamodb')],
  };
  const cases = ERROR_KINDS.flatMap((kind) => examples[kind].map((error) => [kind, error] as const));

  it.each(cases)('answers a %s error (%p) by its row, in v1 and in v2', (kind, error) => {
    // Prepare
    const row = ERROR_KIND_ANSWERS[kind];
    const v2Row = 'errorCode' in row.v2 ? row.v2 : ERROR_KIND_ANSWERS['not-found'].v2[(error as NotFoundError).object];

    // Act
    const v1 = toV1ErrorResponse(error);
    const v2 = toV2ErrorResponse(error);

    // Assess
    expect(error.kind).toBe(kind);
    expect([v1.statusCode, v2.statusCode]).toEqual([row.status, row.status]);
    expect(body(v1)).toMatchObject({ success: false, message: error.message, code: error.code ?? row.v1Code });
    expect(body(v2)).toEqual({ errorCode: v2Row.errorCode, errorMessage: v2Row.errorMessage === OWN_MESSAGE ? error.message : v2Row.errorMessage, content: '', pageable: '' });
    expect(v1.headers).toEqual({ 'content-type': 'application/json', 'cache-control': 'no-store', ...row.headers });
    expect(v2.headers).toEqual(v1.headers);
  });

  it("keeps a class's fixed v1 code equal to its kind's default", () => {
    // Assess
    for (const error of [new UnauthorizedError('x'), new ConflictError([]), new IdempotencyKeyReuseError(), new DependencyUnavailableError('x')]) {
      expect(error.code).toBe(ERROR_KIND_ANSWERS[error.kind].v1Code);
    }
  });

  it('answers a DomainError of a kind without a default code with that default', () => {
    // Prepare
    class Unnamed extends DomainError {
      readonly kind = 'forbidden';
    }

    // Act / Assess
    expect(body(toV1ErrorResponse(new Unnamed('Not allowed')))).toEqual({ success: false, message: 'Not allowed', code: 'FORBIDDEN' });
  });

  it('answers a not-found DomainError that names no object as an internal fault', () => {
    // Prepare
    class Objectless extends DomainError {
      readonly kind = 'not-found';
    }

    // Act / Assess
    expect(toV1ErrorResponse(new Objectless('gone')).statusCode).toBe(500);
    expect(toV2ErrorResponse(new Objectless('gone')).body).toBe(JSON.stringify({ errorCode: 'GLOBAL_1000', errorMessage: 'Internal server error', content: '', pageable: '' }));
  });
});
