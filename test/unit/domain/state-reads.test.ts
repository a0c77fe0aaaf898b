import { decideAuditRead, decideCustomerRead } from '../../../shared/domain/authorization';
import type { ActorStanding } from '../../../shared/domain/actor-standing';
import { DomainError, ForbiddenError, NotFoundError, TokenRevokedError } from '../../../shared/domain/errors';
import {
  auditRecordView,
  customerView,
  readAuditTrailFor,
  readCustomerFor,
  type AuditTrailReader,
  type CustomerRecord,
  type CustomerStateReader,
  type PartitionCounts,
  type StoredAuditRecord,
} from '../../../shared/domain/state-reads';
import { actorFactory } from '../../fixtures/actors';
import { scopeList } from '../../fixtures/decision-tables';
import { AUDIT_READ_DECISIONS, CUSTOMER_READ_DECISIONS, READ_ACTOR_ACCOUNT, type ReadExpected } from '../../fixtures/read-decision-tables';

const COUNTS: PartitionCounts = { users: { active: 2, deleted: 1 }, devices: { active: 0, revoked: 3 }, sessions: { active: 1, terminated: 4 } };

function customer(overrides: Partial<CustomerRecord> = {}): CustomerRecord {
  return { id: 'target', parentId: 'reseller-1', status: 'ACTIVE', name: 'Ada', email: 'ada@example.com', activeSubscriptions: 0, liveChildren: 2, ...overrides };
}

function fakes(options: { customer?: CustomerRecord; revoked?: boolean; records?: StoredAuditRecord[] } = {}) {
  const calls: string[] = [];
  const standing: ActorStanding = {
    isRevoked: async () => {
      calls.push('standing');
      return options.revoked ?? false;
    },
  };
  const customers: CustomerStateReader = {
    getCustomerAsSeenBy: async () => {
      calls.push('customer');
      return { customer: options.customer, actorRevoked: options.revoked ?? false };
    },
    partitionCounts: async () => {
      calls.push('counts');
      return COUNTS;
    },
  };
  const audit: AuditTrailReader = {
    auditPage: async (_customerId, offset, size) => {
      calls.push(`audit ${offset} ${size}`);
      const all = options.records ?? [];
      return { records: all.slice(offset, offset + size), totalElements: all.length };
    },
  };
  return { calls, standing, customers, audit };
}

async function outcome(run: () => Promise<unknown>): Promise<ReadExpected> {
  try {
    await run();
    return 'ALLOW';
  } catch (error) {
    if (error instanceof NotFoundError) return 'NOT_FOUND';
    if (error instanceof ForbiddenError) return error.code as ReadExpected;
    throw error;
  }
}

describe('reading a customer (the literal table)', () => {
  it.each(CUSTOMER_READ_DECISIONS)('%s [%s] reading a customer under %s → %s', async (role, scopes, targetParent, expected) => {
    const actor = actorFactory({ role, scopes: scopeList(scopes), accountId: READ_ACTOR_ACCOUNT });
    const deps = fakes({ customer: customer({ parentId: targetParent }) });

    expect(await outcome(() => readCustomerFor(actor, 'target', deps))).toBe(expected);
  });

  it('gives the constraint of the claims: RESALE its children, ADMIN and MASTER any', () => {
    expect(decideCustomerRead(actorFactory({ role: 'RESALE', scopes: ['customers:read'] }))).toEqual({ allowed: true, constraint: { kind: 'parent-is', accountId: 'reseller-1' } });
    expect(decideCustomerRead(actorFactory({ role: 'MASTER', scopes: ['customers:read'] }))).toEqual({ allowed: true, constraint: { kind: 'any' } });
    expect(decideAuditRead(actorFactory({ role: 'ADMIN', scopes: ['audit:read'] }))).toEqual({ allowed: true, constraint: { kind: 'any' } });
  });
});

describe('reading an audit trail (the literal table)', () => {
  it.each(AUDIT_READ_DECISIONS)('%s [%s] reading the trail of a customer under %s → %s', async (role, scopes, targetParent, expected) => {
    const actor = actorFactory({ role, scopes: scopeList(scopes), accountId: READ_ACTOR_ACCOUNT });
    const deps = fakes({ customer: customer({ parentId: targetParent }) });

    expect(await outcome(() => readAuditTrailFor(actor, 'target', { page: 0, size: 20 }, deps))).toBe(expected);
  });
});

describe('which answer wins on a read', () => {
  const reseller = (scopes = ['customers:read', 'audit:read']) => actorFactory({ role: 'RESALE', scopes });

  it('is a 401 for a revoked actor whose scope is also missing (asking the standing only on the refusal path)', async () => {
    const deps = fakes({ customer: customer(), revoked: true });

    await expect(readCustomerFor(reseller([]), 'target', deps)).rejects.toBeInstanceOf(TokenRevokedError);
    expect(deps.calls).toEqual(['standing']);
  });

  it('is a 401 for a revoked actor reading a customer outside its reach, or a missing one', async () => {
    await expect(readCustomerFor(reseller(), 'target', fakes({ customer: customer({ parentId: 'reseller-2' }), revoked: true }))).rejects.toBeInstanceOf(TokenRevokedError);
    await expect(readAuditTrailFor(reseller(), 'nobody', { page: 0, size: 20 }, fakes({ revoked: true }))).rejects.toBeInstanceOf(TokenRevokedError);
  });

  it('is the same 404 for a missing customer and one outside the caller’s reach', async () => {
    const refusal = (run: Promise<unknown>) => run.then(() => undefined, (error: DomainError) => error) as Promise<DomainError>;
    const missing = await refusal(readCustomerFor(reseller(), 'nobody', fakes()));
    const elsewhere = await refusal(readCustomerFor(reseller(), 'target', fakes({ customer: customer({ parentId: 'reseller-2' }) })));

    expect(missing).toBeInstanceOf(NotFoundError);
    expect(elsewhere).toBeInstanceOf(NotFoundError);
    expect([elsewhere.kind, elsewhere.code, elsewhere.message]).toEqual([missing.kind, missing.code, missing.message]);
  });

  it('reads no counts and no trail for a refused caller', async () => {
    const deps = fakes({ customer: customer({ parentId: 'reseller-2' }) });

    await readCustomerFor(reseller(), 'target', deps).catch(() => undefined);
    await readAuditTrailFor(reseller(), 'target', { page: 0, size: 20 }, deps).catch(() => undefined);

    expect(deps.calls).toEqual(['customer', 'customer']);
  });
});

describe('the customer view', () => {
  it('gives the state, the live sub-customers from the counter, and the counts', async () => {
    const deps = fakes({ customer: customer({ status: 'DELETED', deletedAt: '2026-01-01T00:00:00.000Z', purgeAfter: '2026-01-31T00:00:00.000Z' }) });

    const view = await readCustomerFor(actorFactory({ scopes: ['customers:read'] }), 'target', deps);

    expect(view).toEqual({
      id: 'target',
      parentId: 'reseller-1',
      status: 'DELETED',
      name: 'Ada',
      email: 'ada@example.com',
      deletedAt: '2026-01-01T00:00:00.000Z',
      purgeAfter: '2026-01-31T00:00:00.000Z',
      activeSubscriptions: 0,
      liveSubCustomers: 2,
      ...COUNTS,
    });
    expect(deps.calls).toEqual(['customer', 'counts']);
  });

  it('never shows a PURGED customer’s name or email, even if the item still had them', () => {
    const view = customerView(customer({ status: 'PURGED', purgedAt: '2026-02-01T00:00:00.000Z' }), COUNTS);

    expect(view).not.toHaveProperty('name');
    expect(view).not.toHaveProperty('email');
    expect(view).toMatchObject({ status: 'PURGED', purgedAt: '2026-02-01T00:00:00.000Z' });
  });

  it('passes the lifecycle’s attributes through when present', () => {
    const legalHold = { placedAt: '2026-01-02T00:00:00.000Z', placedBy: 'admin-1', reason: 'litigation' };

    const view = customerView(customer({ status: 'DELETED', legalHold, purgeBlockedBy: 'legalHold' }), COUNTS);

    expect(view).toMatchObject({ legalHold, purgeBlockedBy: 'legalHold' });
  });
});

describe('the audit trail', () => {
  const record = (n: number): StoredAuditRecord =>
    ({
      auditId: `a-${n}`,
      at: `2026-01-01T00:00:${String(n).padStart(2, '0')}.000Z`,
      actor: { sub: 's', role: 'RESALE', accountId: 'reseller-1' },
      action: 'customer.delete',
      outcome: 'DENIED',
      detail: 'NOT_MANAGED',
      reason: null,
      ticket: null,
      // What the table also keeps, and a caller must not see:
      target: { type: 'customer', customerId: 'target' },
      correlationId: 'corr-1',
      pk: 'AUDIT#target',
      sk: 'x',
    }) as StoredAuditRecord;

  it('asks the reader for page × size onwards and gives a real pageable', async () => {
    const deps = fakes({ customer: customer(), records: Array.from({ length: 45 }, (_, i) => record(i)) });

    const { records, pageable } = await readAuditTrailFor(actorFactory({ scopes: ['audit:read'] }), 'target', { page: 2, size: 20 }, deps);

    expect(deps.calls).toEqual(['customer', 'audit 40 20']);
    expect(records.map((r) => r.auditId)).toEqual(['a-40', 'a-41', 'a-42', 'a-43', 'a-44']);
    expect(pageable).toEqual({ page: 2, size: 20, totalPages: 3, totalElements: 45 });
  });

  it('has no pages for an empty trail', async () => {
    const { records, pageable } = await readAuditTrailFor(actorFactory({ role: 'ADMIN', scopes: ['audit:read'] }), 'target', { page: 0, size: 20 }, fakes({ customer: customer() }));

    expect(records).toEqual([]);
    expect(pageable).toEqual({ page: 0, size: 20, totalPages: 0, totalElements: 0 });
  });

  it('shows a record without its target, correlation id, keys or empty fields', () => {
    expect(auditRecordView(record(7))).toEqual({
      auditId: 'a-7',
      at: '2026-01-01T00:00:07.000Z',
      actor: { sub: 's', role: 'RESALE', accountId: 'reseller-1' },
      action: 'customer.delete',
      outcome: 'DENIED',
      detail: 'NOT_MANAGED',
    });
    expect(auditRecordView({ ...record(8), outcome: 'ALLOWED', detail: undefined, mode: 'hard', reason: 'GDPR', ticket: 'T-1', requestId: 'r-1' } as StoredAuditRecord)).toEqual({
      auditId: 'a-8',
      at: '2026-01-01T00:00:08.000Z',
      actor: { sub: 's', role: 'RESALE', accountId: 'reseller-1' },
      action: 'customer.delete',
      mode: 'hard',
      outcome: 'ALLOWED',
      reason: 'GDPR',
      ticket: 'T-1',
      requestId: 'r-1',
    });
  });
});
