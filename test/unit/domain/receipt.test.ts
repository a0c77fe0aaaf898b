import type { DeletionMode, RequestType } from '../../../shared/domain/model';
import { AUDIT_TRAIL_RETENTION, erasedFields, receiptPayload, receiptRefusal, retainedRecords, type ReceiptSource } from '../../../shared/domain/receipt';

const done = (at: string, extra: Record<string, unknown> = {}) => ({ status: 'SUCCESS' as const, attempts: 1, updatedAt: at, ...extra });

function request(overrides: Partial<ReceiptSource> = {}): ReceiptSource {
  return {
    requestId: 'req-1',
    type: 'customer.delete',
    subject: { type: 'customer', customerId: 'acme' },
    actor: { sub: 'admin-1', role: 'ADMIN', accountId: 'root' },
    mode: 'hard',
    reason: 'customer asked',
    ticket: 'T-1',
    status: 'SUCCESS',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:09.000Z',
    accessRevokedAt: '2026-01-01T00:00:05.000Z',
    steps: {
      identity: done('2026-01-01T00:00:05.000Z'),
      devices: done('2026-01-01T00:00:03.000Z', { count: 2 }),
      email: done('2026-01-01T00:00:09.000Z'),
    },
    ...overrides,
  };
}

describe('receipt content', () => {
  it.each<[RequestType, DeletionMode, string[]]>([
    ['customer.delete', 'hard', ['customer.name', 'customer.email', 'user.name', 'user.email']],
    ['customer.purge', 'hard', ['customer.name', 'customer.email', 'user.name', 'user.email']],
    ['customer.delete', 'soft', []],
    ['user.delete', 'hard', ['user.name', 'user.email']],
    ['customer.restore', 'soft', []],
  ])('%s (%s) erased %j', (type, mode, erased) => {
    expect(erasedFields(type, mode)).toEqual(erased);
  });

  it('always keeps the audit trail, on a legal obligation', () => {
    for (const type of ['customer.delete', 'customer.purge', 'user.delete', 'customer.restore'] as const) {
      expect(retainedRecords(type, 'hard')[0]).toEqual({ what: 'audit trail', basis: 'legal obligation (GDPR Art. 17(3)(b))' });
    }
    expect(retainedRecords('customer.purge', 'hard')).toEqual([AUDIT_TRAIL_RETENTION]);
  });

  it('a soft delete keeps the customer record until its purge date', () => {
    const retained = retainedRecords('customer.delete', 'soft', '2026-02-01T00:00:00.000Z');
    expect(retained).toHaveLength(2);
    expect(retained[1]?.what).toBe('customer record until 2026-02-01T00:00:00.000Z');
    expect(retained[1]?.basis).toMatch(/retention period/);
  });

  it('builds the SPEC payload: who, what, when each step completed, counts where recorded', () => {
    const payload = receiptPayload(request(), { issuer: 'https://issuer.example', issuedAt: new Date('2026-01-01T00:01:00.000Z') });
    expect(payload).toEqual({
      iss: 'https://issuer.example',
      jti: 'req-1',
      iat: Date.parse('2026-01-01T00:01:00.000Z') / 1000,
      type: 'customer.delete',
      subject: { type: 'customer', customerId: 'acme' },
      actor: { sub: 'admin-1', role: 'ADMIN', accountId: 'root' },
      mode: 'hard',
      reason: 'customer asked',
      ticket: 'T-1',
      requestedAt: '2026-01-01T00:00:00.000Z',
      completedAt: '2026-01-01T00:00:09.000Z',
      accessRevokedAt: '2026-01-01T00:00:05.000Z',
      steps: {
        identity: { status: 'SUCCESS', completedAt: '2026-01-01T00:00:05.000Z' },
        devices: { status: 'SUCCESS', completedAt: '2026-01-01T00:00:03.000Z', count: 2 },
        email: { status: 'SUCCESS', completedAt: '2026-01-01T00:00:09.000Z' },
      },
      erased: ['customer.name', 'customer.email', 'user.name', 'user.email'],
      retained: [AUDIT_TRAIL_RETENTION],
    });
  });

  it('leaves out what the request does not have, and takes completedAt when the request recorded it', () => {
    const { reason: _r, ticket: _t, accessRevokedAt: _a, ...bare } = request({ type: 'customer.restore', mode: 'soft' });
    const payload = receiptPayload({ ...bare, completedAt: '2026-01-01T00:00:10.000Z' }, { issuer: 'i', issuedAt: new Date(0) });
    expect(payload).not.toHaveProperty('reason');
    expect(payload).not.toHaveProperty('ticket');
    expect(payload).not.toHaveProperty('accessRevokedAt');
    expect(payload.completedAt).toBe('2026-01-01T00:00:10.000Z');
    expect(payload.erased).toEqual([]);
  });

  it('refuses a request that is not SUCCESS', () => {
    expect(receiptRefusal(request({ status: 'IN_PROGRESS' }))).toBe('request is IN_PROGRESS');
    expect(receiptRefusal(request({ status: 'FAILED' }))).toBe('request is FAILED');
    expect(() => receiptPayload(request({ status: 'FAILED' }), { issuer: 'i', issuedAt: new Date() })).toThrow(/No receipt for request req-1/);
    expect(receiptRefusal(request())).toBeUndefined();
  });
});
