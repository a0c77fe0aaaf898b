import type { ActorKey, ActorStanding } from '../../../shared/domain/actor-standing';
import type { AuditRecord } from '../../../shared/domain/deletion-ports';
import { ForbiddenError, GoneError, NotFoundError, StateConflictError, TokenRevokedError } from '../../../shared/domain/errors';
import { LegalHoldService } from '../../../shared/domain/legal-hold-service';
import type {
  HoldCommit,
  HoldCommitResult,
  LifecycleCustomer,
  LifecycleStore,
  RestoreCommit,
  RestoreCommitResult,
} from '../../../shared/domain/lifecycle-ports';
import { legalHoldRefusal, restoreRefusal } from '../../../shared/domain/lifecycle-rules';
import { RestoreService } from '../../../shared/domain/restore-service';
import { actorFactory } from '../../fixtures/actors';

const NOW = new Date('2026-11-22T08:00:00.000Z');

function customerFactory(overrides: Partial<LifecycleCustomer> = {}): LifecycleCustomer {
  return { id: 'c-1', parentId: 'reseller-1', status: 'DELETED', activeSubscriptions: 0, liveChildren: 0, name: 'C One', email: 'one@c.example', ...overrides };
}

describe('restoreRefusal', () => {
  const reseller = actorFactory({ scopes: ['customers:restore'] });

  it('allows a DELETED customer the actor manages', () => {
    expect(restoreRefusal(reseller, customerFactory())).toBeUndefined();
  });

  it.each([
    ['unknown', undefined, { outcome: 'NOT_FOUND' }],
    ['ACTIVE', customerFactory({ status: 'ACTIVE' }), { outcome: 'CONFLICT', code: 'NOT_DELETED', message: 'Customer is not deleted' }],
    ['PURGED', customerFactory({ status: 'PURGED' }), { outcome: 'GONE', code: 'PURGED', message: expect.any(String) }],
  ])('refuses a customer that is %s', (_label, customer, expected) => {
    expect(restoreRefusal(reseller, customer)).toEqual(expected);
  });

  it('says 404 before 403, and 403 before 409 and 410', () => {
    expect(restoreRefusal(reseller, undefined)?.outcome).toBe('NOT_FOUND');
    expect(restoreRefusal(reseller, customerFactory({ parentId: 'other', status: 'ACTIVE' }))).toMatchObject({ outcome: 'DENIED', code: 'NOT_MANAGED' });
    expect(restoreRefusal(reseller, customerFactory({ parentId: 'other', status: 'PURGED' }))).toMatchObject({ outcome: 'DENIED', code: 'NOT_MANAGED' });
  });

  it('asks about the parent only when given one: not ACTIVE (or gone) is PARENT_NOT_ACTIVE', () => {
    const admin = actorFactory({ role: 'ADMIN', scopes: ['customers:restore'] });
    expect(restoreRefusal(admin, customerFactory({ parentId: 'p' }), { known: customerFactory({ id: 'p', parentId: null, status: 'ACTIVE' }) })).toBeUndefined();
    for (const parent of [customerFactory({ id: 'p', status: 'DELETED' }), customerFactory({ id: 'p', status: 'PURGED' }), undefined]) {
      expect(restoreRefusal(admin, customerFactory({ parentId: 'p' }), { known: parent })).toMatchObject({ outcome: 'CONFLICT', code: 'PARENT_NOT_ACTIVE' });
    }
    expect(restoreRefusal(admin, customerFactory({ parentId: null }), { known: undefined })).toBeUndefined();
  });
});

describe('legalHoldRefusal', () => {
  const hold = { placedAt: NOW.toISOString(), placedBy: 'admin-1', reason: 'litigation' };

  it.each([
    ['place', customerFactory({ status: 'ACTIVE' }), undefined],
    ['place', customerFactory({ status: 'DELETED' }), undefined],
    ['place', customerFactory({ legalHold: hold }), undefined], // placing again replaces it
    ['release', customerFactory({ legalHold: hold }), undefined],
    ['place', undefined, 'NOT_FOUND'],
    ['release', undefined, 'NOT_FOUND'],
    ['place', customerFactory({ status: 'PURGED' }), 'PURGED'],
    ['release', customerFactory({ status: 'PURGED', legalHold: hold }), 'PURGED'],
    ['release', customerFactory(), 'NO_LEGAL_HOLD'],
  ] as const)('%s on %o → %s', (change, customer, expected) => {
    const refusal = legalHoldRefusal(customer, change);
    expect(refusal === undefined ? undefined : 'code' in refusal ? refusal.code : refusal.outcome).toBe(expected);
  });
});

/** A store in memory that answers its commits from a script, recording what it was asked. */
class ScriptedLifecycleStore implements LifecycleStore {
  readonly audits: AuditRecord[] = [];
  readonly restores: RestoreCommit[] = [];
  readonly holds: HoldCommit[] = [];
  constructor(
    private readonly customer: LifecycleCustomer | undefined,
    private readonly restoreResults: RestoreCommitResult[] = [{ kind: 'committed' }],
    private readonly holdResults: HoldCommitResult[] = [{ kind: 'committed' }],
  ) {}
  async getCustomer(): Promise<LifecycleCustomer | undefined> {
    return this.customer;
  }
  async commitRestore(commit: RestoreCommit): Promise<RestoreCommitResult> {
    this.restores.push(commit);
    return this.restoreResults.shift() ?? { kind: 'committed' };
  }
  async commitLegalHold(commit: HoldCommit): Promise<HoldCommitResult> {
    this.holds.push(commit);
    this.audits.push(commit.audit);
    return this.holdResults.shift() ?? { kind: 'committed' };
  }
  async writeAudit(record: AuditRecord): Promise<void> {
    this.audits.push(record);
  }
}

function standingOf(revoked: boolean): ActorStanding & { asked: ActorKey[] } {
  const asked: ActorKey[] = [];
  return { asked, isRevoked: async (actor) => (asked.push(actor), revoked) };
}

function deps(store: LifecycleStore, revoked = false) {
  let n = 0;
  return { store, standing: standingOf(revoked), clock: { now: () => NOW }, ids: { newId: () => `00000000-0000-4000-8000-00000000000${(n += 1)}` }, sleep: async () => undefined };
}

const input = (role = 'ADMIN', scopes = ['customers:restore', 'customers:hold']) => ({
  actor: actorFactory({ role, scopes, sub: 'admin-1', accountId: 'platform' }),
  reason: 'customer asked',
  ticket: 'SUP-9',
  correlationId: 'corr-1',
});

describe('RestoreService', () => {
  it('commits the customer, the request of type customer.restore, its audit and the customer.restored fact carrying the address', async () => {
    const store = new ScriptedLifecycleStore(customerFactory({ parentId: 'reseller-1' }));
    const service = new RestoreService(deps(store));

    const receipt = await service.restoreCustomer('c-1', input());

    expect(receipt).toEqual({ requestId: expect.any(String), restoredAt: NOW.toISOString() });
    const commit = store.restores[0]!;
    expect(commit).toMatchObject({
      customerId: 'c-1',
      accessConstraint: { kind: 'any' },
      expectedParentId: 'reseller-1',
      request: { requestId: receipt.requestId, type: 'customer.restore', status: 'IN_PROGRESS', reason: 'customer asked', ticket: 'SUP-9' },
      audit: { action: 'customer.restore', outcome: 'ALLOWED', requestId: receipt.requestId, reason: 'customer asked', ticket: 'SUP-9' },
      fact: { eventType: 'customer.restored', requestId: receipt.requestId, recipient: { email: 'one@c.example', name: 'C One' } },
    });
    expect(commit.audit).not.toHaveProperty('mode');
  });

  it('explains a refused write from the state it saw (the parent included), and tries again when that state allows it', async () => {
    const parentDeleted: RestoreCommitResult = { kind: 'refused', customer: customerFactory(), parent: customerFactory({ id: 'reseller-1', parentId: null, status: 'DELETED' }) };
    const stale: RestoreCommitResult = { kind: 'refused', customer: customerFactory(), parent: customerFactory({ id: 'reseller-1', parentId: null, status: 'ACTIVE' }) };
    const store = new ScriptedLifecycleStore(customerFactory(), [stale, parentDeleted]);
    const service = new RestoreService(deps(store));

    const error = await service.restoreCustomer('c-1', input()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StateConflictError);
    expect(error).toMatchObject({ code: 'PARENT_NOT_ACTIVE', message: 'Parent customer reseller-1 is not active; restore it first' });

    expect(store.restores).toHaveLength(2);
    expect(store.audits).toEqual([expect.objectContaining({ outcome: 'CONFLICT', detail: 'PARENT_NOT_ACTIVE' })]);
  });

  it.each([
    ['unknown', undefined, NotFoundError, 'NOT_FOUND', 'CUSTOMER_NOT_FOUND'],
    ['ACTIVE', customerFactory({ status: 'ACTIVE' }), StateConflictError, 'CONFLICT', 'NOT_DELETED'],
    ['PURGED', customerFactory({ status: 'PURGED' }), GoneError, 'CONFLICT', 'PURGED'],
  ] as const)('refuses a customer that is %s without a write, audited', async (_label, customer, errorClass, outcome, detail) => {
    const store = new ScriptedLifecycleStore(customer);

    const error = await new RestoreService(deps(store)).restoreCustomer('c-1', input()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(errorClass);
    expect((error as { code: string }).code).toBe(detail);
    expect(store.restores).toEqual([]);
    expect(store.audits).toEqual([expect.objectContaining({ action: 'customer.restore', outcome, detail })]);
  });

  it('answers a revoked actor 401 before its 403 or 404', async () => {
    for (const [store, role] of [[new ScriptedLifecycleStore(undefined), 'ADMIN'], [new ScriptedLifecycleStore(customerFactory()), 'SUPPORT']] as const) {
      await expect(new RestoreService(deps(store, true)).restoreCustomer('c-1', input(role))).rejects.toThrow(TokenRevokedError);
      expect(store.audits).toEqual([expect.objectContaining({ outcome: 'DENIED', detail: 'TOKEN_REVOKED' })]);
    }
  });
});

describe('LegalHoldService', () => {
  it('places a hold in one commit with its audit record, and returns it', async () => {
    const store = new ScriptedLifecycleStore(undefined);

    const hold = await new LegalHoldService(deps(store)).place('c-1', { ...input(), reason: 'litigation' });

    expect(hold).toEqual({ placedAt: NOW.toISOString(), placedBy: 'admin-1', reason: 'litigation', ticket: 'SUP-9' });
    expect(store.holds).toEqual([expect.objectContaining({ customerId: 'c-1', change: { kind: 'place', hold } })]);
    expect(store.holds[0]!.audit).toMatchObject({ action: 'legal-hold.place', outcome: 'ALLOWED', reason: 'litigation', ticket: 'SUP-9' });
  });

  it('refuses a non-ADMIN with 403 before any write, audited', async () => {
    const store = new ScriptedLifecycleStore(customerFactory());

    await expect(new LegalHoldService(deps(store)).release('c-1', input('MASTER'))).rejects.toThrow(ForbiddenError);

    expect(store.holds).toEqual([]);
    expect(store.audits).toEqual([expect.objectContaining({ action: 'legal-hold.release', outcome: 'DENIED', detail: 'ROLE_NOT_ALLOWED' })]);
  });

  it('explains a refused release from the item its condition saw: 409 NO_LEGAL_HOLD', async () => {
    const store = new ScriptedLifecycleStore(undefined, [], [{ kind: 'refused', customer: customerFactory() }]);

    await expect(new LegalHoldService(deps(store)).release('c-1', input())).rejects.toMatchObject({ kind: 'conflict', code: 'NO_LEGAL_HOLD' });

    expect(store.audits.at(-1)).toMatchObject({ action: 'legal-hold.release', outcome: 'CONFLICT', detail: 'NO_LEGAL_HOLD' });
  });
});
