import {
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  IdempotencyKeyReuseError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../../../shared/domain/errors';
import { toV1ErrorResponse, toV2ErrorResponse } from '../../../shared/http/error-mapping';
import { faultFields } from '../../../shared/http/middleware';

const body = (r: { body?: string }) => JSON.parse(r.body ?? '{}') as Record<string, unknown>;

describe('toV1ErrorResponse', () => {
  it.each([
    [new ValidationError('INVALID_MODE', 'mode must be soft or hard'), 400, 'INVALID_MODE'],
    [new UnauthorizedError('expired'), 401, 'INVALID_TOKEN'],
    [new ForbiddenError('NOT_MANAGED', 'Customer is not managed by this reseller'), 403, 'NOT_MANAGED'],
    [new NotFoundError('customer'), 404, 'CUSTOMER_NOT_FOUND'],
    [new ConflictError([{ type: 'subCustomer', id: 'c-2', detail: 'x' }]), 409, 'DELETION_BLOCKED'],
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

describe('faultFields (what an unexpected fault may put in a log)', () => {
  it('keeps the class and the frames, and drops the message and the properties', () => {
    const error = Object.assign(new TypeError('item {"email":"pat@example.com"} is invalid'), { Item: { email: 'pat@example.com' } });
    const fields = faultFields(error);
    expect(fields.errorName).toBe('TypeError');
    expect(fields.frames).toContain('at ');
    expect(JSON.stringify(fields)).not.toContain('pat@example.com');
  });
});
