import { ValidationError } from '../../../shared/domain/errors';
import { toV1ErrorResponse } from '../../../shared/http/error-mapping';
import { deletionBody, deletionMode, header, idempotencyKey, pathId } from '../../../shared/http/input';
import { apiEventFactory } from '../../fixtures/api-events';

const eventWith = (overrides: { path?: string; body?: string; headers?: Record<string, string>; id?: string } = {}) =>
  apiEventFactory({
    routePath: '/customer/{customerId}',
    path: overrides.path ?? '/customer/c-1',
    pathParameters: { customerId: overrides.id ?? 'c-1' },
    headers: overrides.headers ?? {},
    ...(overrides.body !== undefined ? { body: overrides.body, headers: { 'content-type': 'application/json', ...(overrides.headers ?? {}) } } : {}),
  });

function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('pathId', () => {
  it.each(['c-1', 'a', 'A.b_c:d-e', 'x'.repeat(128)])('accepts %s', (id) => {
    expect(pathId(eventWith({ id }), 'customerId', 'BAD')).toBe(id);
  });

  it.each(['', 'x'.repeat(129), 'has space', 'semi;colon', 'slash/inside', 'ünïcode', '<script>'])('refuses %j with the given code', (id) => {
    const error = thrownBy(() => pathId(eventWith({ id }), 'customerId', 'INVALID_CUSTOMER_ID'));
    expect(error).toMatchObject({ code: 'INVALID_CUSTOMER_ID', kind: 'invalid-input' });
    expect(toV1ErrorResponse(error).statusCode).toBe(400);
  });
});

describe('deletionMode', () => {
  it('defaults to soft and accepts soft or hard', () => {
    expect(deletionMode(eventWith())).toBe('soft');
    expect(deletionMode(eventWith({ path: '/customer/c-1?mode=soft' }))).toBe('soft');
    expect(deletionMode(eventWith({ path: '/customer/c-1?mode=hard' }))).toBe('hard');
  });

  it.each(['HARD', 'purge', '', 'hard,soft'])('refuses mode=%j', (mode) => {
    expect(() => deletionMode(eventWith({ path: `/customer/c-1?mode=${encodeURIComponent(mode)}` }))).toThrow(ValidationError);
  });

  it('refuses a repeated mode (API Gateway joins the values with a comma)', () => {
    expect(() => deletionMode(eventWith({ path: '/customer/c-1?mode=soft&mode=hard' }))).toThrow(ValidationError);
  });
});

describe('deletionBody', () => {
  it('accepts no body, an empty body and an empty object', () => {
    for (const body of [undefined, '', '   ', '{}']) {
      expect(deletionBody(eventWith(body === undefined ? {} : { body }))).toEqual({ reason: null, ticket: null });
    }
  });

  it('reads and trims reason and ticket', () => {
    expect(deletionBody(eventWith({ body: '{"reason":"  closing  ","ticket":"T-1"}' }))).toEqual({ reason: 'closing', ticket: 'T-1' });
  });

  it.each([
    ['not JSON', '{', 'valid JSON'],
    ['an array', '[1]', 'JSON object'],
    ['null', 'null', 'JSON object'],
    ['an unknown field', '{"drop":"table"}', 'Unknown field'],
    ['an empty reason', '{"reason":"  "}', 'reason'],
    ['a numeric ticket', '{"ticket":5}', 'ticket'],
    ['an oversized body', JSON.stringify({ reason: 'r'.repeat(5000) }), 'at most'],
  ])('refuses %s, naming the problem', (_label, body, fragment) => {
    expect(() => deletionBody(eventWith({ body }))).toThrow(expect.objectContaining({ code: 'INVALID_BODY', message: expect.stringContaining(fragment) }));
  });
});

describe('idempotencyKey and header', () => {
  it('reads the key case-insensitively and validates it', () => {
    expect(idempotencyKey(eventWith())).toBeNull();
    expect(idempotencyKey(eventWith({ headers: { 'Idempotency-Key': 'abc-123' } }))).toBe('abc-123');
    expect(() => idempotencyKey(eventWith({ headers: { 'idempotency-key': 'a b' } }))).toThrow(ValidationError);
    expect(() => idempotencyKey(eventWith({ headers: { 'idempotency-key': 'k'.repeat(256) } }))).toThrow(ValidationError);
  });

  it('finds headers whatever their case', () => {
    expect(header(eventWith({ headers: { Authorization: 'Bearer x' } }), 'authorization')).toBe('Bearer x');
  });
});
