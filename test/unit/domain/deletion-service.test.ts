import type {
  AuditRecord,
  CommitResult,
  CustomerDeletionCommit,
  CustomerPurgeCommit,
  DeletionInput,
  DeletionStore,
  StoredIdempotency,
  UserDeletionCommit,
} from '../../../shared/domain/deletion-ports';
import type { CustomerState, UserState } from '../../../shared/domain/deletion-rules';
import type { ActorStanding } from '../../../shared/domain/actor-standing';
import { DeletionService } from '../../../shared/domain/deletion-service';
import {
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  IdempotencyKeyReuseError,
  NotFoundError,
  StateConflictError,
  TokenRevokedError,
  ValidationError,
} from '../../../shared/domain/errors';
import { actorFactory } from '../../fixtures/actors';

type Customer = CustomerState & { name?: string; email?: string };

/** A scripted store: answers reads from fixtures and commits from a queue of results; records calls. */
class ScriptedStore implements DeletionStore {
  customers = new Map<string, Customer>();
  users = new Map<string, UserState & { name?: string; email?: string }>();
  idempotency = new Map<string, StoredIdempotency>();
  commitResults: CommitResult[] = [];
  customerCommits: CustomerDeletionCommit[] = [];
  userCommits: UserDeletionCommit[] = [];
  audits: AuditRecord[] = [];
  reads: string[] = [];
  liveChildren: string[] = [];
  userIds: string[] = [];

  async getCustomer(id: string) {
    this.reads.push(`customer:${id}`);
    return this.customers.get(id);
  }
  async getUser(customerId: string, userId: string) {
    this.reads.push(`user:${customerId}/${userId}`);
    return this.users.get(`${customerId}/${userId}`);
  }
  async listUserIds() {
    return this.userIds;
  }
  async getCustomerWithUserIds(id: string) {
    return { customer: await this.getCustomer(id), userIds: await this.listUserIds() };
  }
  async getCustomerAndUser(customerId: string, userId: string) {
    return { customer: await this.getCustomer(customerId), user: await this.getUser(customerId, userId) };
  }
  impact = { users: 2, devices: 3, activeSessions: 1 };
  requestsInProgress = new Set<string>();
  async isRequestInProgress(requestId: string) {
    return this.requestsInProgress.has(requestId);
  }
  async deletionImpact() {
    return this.impact;
  }
  async liveSubCustomerIds() {
    return this.liveChildren;
  }
  async getIdempotency(accountId: string, key: string) {
    return this.idempotency.get(`${accountId}/${key}`);
  }
  async commitCustomerDeletion(commit: CustomerDeletionCommit) {
    this.customerCommits.push(commit);
    return this.commitResults.shift() ?? { kind: 'committed' as const };
  }
  async commitUserDeletion(commit: UserDeletionCommit) {
    this.userCommits.push(commit);
    return this.commitResults.shift() ?? { kind: 'committed' as const };
  }
  purgeCommits: CustomerPurgeCommit[] = [];
  async commitCustomerPurge(commit: CustomerPurgeCommit) {
    this.purgeCommits.push(commit);
    return this.commitResults.shift() ?? { kind: 'committed' as const };
  }
  async writeAudit(record: AuditRecord) {
    this.audits.push(record);
  }
}

/** The actor standing port: revoked or not, and every time it was asked. */
class ScriptedStanding implements ActorStanding {
  asked = 0;
  constructor(private readonly revoked = false) {}
  async isRevoked() {
    this.asked += 1;
    return this.revoked;
  }
}

function serviceWith(store: ScriptedStore, standing: ActorStanding = new ScriptedStanding()) {
  let n = 0;
  return new DeletionService({
    store,
    standing,
    clock: { now: () => new Date('2026-11-22T10:00:00.000Z') },
    ids: { newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` },
    sleep: async () => undefined,
  });
}

function inputFactory(overrides: Partial<DeletionInput> = {}): DeletionInput {
  return { actor: actorFactory(), mode: 'soft', reason: null, ticket: null, idempotencyKey: null, correlationId: 'corr-1', ...overrides };
}

const activeCustomer = (overrides: Partial<Customer> = {}): Customer => ({
  id: 'c-1',
  parentId: 'reseller-1',
  status: 'ACTIVE',
  activeSubscriptions: 0,
  liveChildren: 0,
  name: 'Alice',
  email: 'alice@example.com',
  ...overrides,
});

describe('DeletionService.deleteCustomer', () => {
  it('commits a reseller soft delete in one write, without reading first', async () => {
    // Prepare
    const store = new ScriptedStore();
    // Act
    const receipt = await serviceWith(store).deleteCustomer('c-1', inputFactory());
    // Assess
    expect(store.reads).toEqual([]);
    expect(store.customerCommits).toHaveLength(1);
    const commit = store.customerCommits[0]!;
    expect(commit.expectedParentId).toBe('reseller-1');
    // The policy's constraint travels with the commit; the store's condition enforces it.
    expect(commit.accessConstraint).toEqual({ kind: 'parent-is', accountId: 'reseller-1' });
    expect(commit.request).toMatchObject({
      requestId: receipt.requestId,
      type: 'customer.delete',
      status: 'IN_PROGRESS',
      mode: 'soft',
      subject: { type: 'customer', customerId: 'c-1' },
    });
    // The domain states the fact; which steps and queues hear of it is the outbox writer's business.
    expect(commit.fact).toEqual({
      eventType: 'customer.deleted',
      requestId: receipt.requestId,
      occurredAt: '2026-11-22T10:00:00.000Z',
      subject: { type: 'customer', customerId: 'c-1' },
      actor: { sub: 'user-1', role: 'RESALE', accountId: 'reseller-1' },
      mode: 'soft',
      reason: null,
    });
    expect(commit.audit).toMatchObject({ outcome: 'ALLOWED', action: 'customer.delete', requestId: receipt.requestId, actor: { sub: 'user-1', role: 'RESALE', accountId: 'reseller-1' } });
    expect(receipt.deletedAt).toBe('2026-11-22T10:00:00.000Z');
  });

  it('reads the target first for ADMIN, and states the address it read with the fact', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-1', activeCustomer({ parentId: 'anyone' }));
    await serviceWith(store).deleteCustomer('c-1', inputFactory({ actor: actorFactory({ role: 'ADMIN', accountId: 'platform' }) }));
    expect(store.reads).toEqual(['customer:c-1']);
    const commit = store.customerCommits[0]!;
    expect(commit.expectedParentId).toBe('anyone');
    expect(commit.accessConstraint).toEqual({ kind: 'any' });
    expect(commit.fact.recipient).toEqual({ email: 'alice@example.com', name: 'Alice' });
  });

  it('refuses by claims before any read or write, and audits the denial', async () => {
    const store = new ScriptedStore();
    await expect(serviceWith(store).deleteCustomer('c-1', inputFactory({ actor: actorFactory({ scopes: [] }) }))).rejects.toBeInstanceOf(ForbiddenError);
    expect(store.customerCommits).toHaveLength(0);
    expect(store.reads).toHaveLength(0);
    expect(store.audits).toEqual([expect.objectContaining({ outcome: 'DENIED', detail: 'SCOPE_MISSING', target: { type: 'customer', customerId: 'c-1' } })]);
  });

  it('requires a reason for a hard delete', async () => {
    const store = new ScriptedStore();
    const admin = actorFactory({ role: 'ADMIN', scopes: ['customers:delete', 'customers:purge'] });
    await expect(serviceWith(store).deleteCustomer('c-1', inputFactory({ actor: admin, mode: 'hard' }))).rejects.toBeInstanceOf(ValidationError);
    expect(store.customerCommits).toHaveLength(0);
  });

  it('erases the users of a hard-deleted customer in the same commit', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-1', activeCustomer());
    store.userIds = ['u-1', 'u-2'];
    const admin = actorFactory({ role: 'ADMIN', scopes: ['customers:delete', 'customers:purge'] });
    await serviceWith(store).deleteCustomer('c-1', inputFactory({ actor: admin, mode: 'hard', reason: 'GDPR erasure request' }));
    expect(store.customerCommits[0]).toMatchObject({ mode: 'hard', eraseUserIds: ['u-1', 'u-2'] });
  });

  it('explains a refused write from the state the condition saw: 404', async () => {
    const store = new ScriptedStore();
    store.commitResults = [{ kind: 'refused', customer: undefined }];
    await expect(serviceWith(store).deleteCustomer('c-1', inputFactory())).rejects.toBeInstanceOf(NotFoundError);
    expect(store.audits.map((a) => a.outcome)).toEqual(['NOT_FOUND']);
  });

  it('explains a refused write: 403 for a customer of another reseller', async () => {
    const store = new ScriptedStore();
    store.commitResults = [{ kind: 'refused', customer: activeCustomer({ parentId: 'reseller-2' }) }];
    await expect(serviceWith(store).deleteCustomer('c-1', inputFactory())).rejects.toMatchObject({ kind: 'forbidden', code: 'NOT_MANAGED' });
    expect(store.audits.map((a) => a.outcome)).toEqual(['DENIED']);
  });

  it('explains a refused write: 409 listing the live sub-customers', async () => {
    const store = new ScriptedStore();
    store.commitResults = [{ kind: 'refused', customer: activeCustomer({ liveChildren: 1 }) }];
    store.liveChildren = ['c-1-a'];
    const error = await serviceWith(store).deleteCustomer('c-1', inputFactory()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).blockers).toEqual([{ type: 'subCustomer', id: 'c-1-a', detail: 'sub-customer is not deleted' }]);
    expect(store.audits.map((a) => a.outcome)).toEqual(['CONFLICT']);
  });

  it('retries a contended write and then answers from the new state', async () => {
    const store = new ScriptedStore();
    store.commitResults = [{ kind: 'contended' }, { kind: 'refused', customer: activeCustomer({ status: 'DELETED' }) }];
    await expect(serviceWith(store).deleteCustomer('c-1', inputFactory())).rejects.toBeInstanceOf(NotFoundError);
    expect(store.customerCommits).toHaveLength(2);
  });

  it('gives up with 503 when contention never clears', async () => {
    const store = new ScriptedStore();
    store.commitResults = Array.from({ length: 10 }, () => ({ kind: 'contended' as const }));
    await expect(serviceWith(store).deleteCustomer('c-1', inputFactory())).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('replays the first receipt for the same Idempotency-Key and request', async () => {
    const store = new ScriptedStore();
    const first = await serviceWith(store).deleteCustomer('c-1', inputFactory({ idempotencyKey: 'k-1' }));
    const fingerprint = store.customerCommits[0]!.idempotency!.fingerprint;
    store.commitResults = [{ kind: 'replay', stored: { fingerprint, receipt: first } }];
    const second = await serviceWith(store).deleteCustomer('c-1', inputFactory({ idempotencyKey: 'k-1' }));
    expect(second).toEqual(first);
  });

  it('refuses the same Idempotency-Key on a different request', async () => {
    const store = new ScriptedStore();
    await serviceWith(store).deleteCustomer('c-1', inputFactory({ idempotencyKey: 'k-1' }));
    const stored = { fingerprint: store.customerCommits[0]!.idempotency!.fingerprint, receipt: { requestId: 'r', deletedAt: 'd' } };
    store.commitResults = [{ kind: 'replay', stored }];
    await expect(serviceWith(store).deleteCustomer('c-2', inputFactory({ idempotencyKey: 'k-1' }))).rejects.toBeInstanceOf(IdempotencyKeyReuseError);
  });

  it('replays for an ADMIN retry whose pre-read finds the customer already deleted', async () => {
    const store = new ScriptedStore();
    const admin = actorFactory({ role: 'ADMIN', accountId: 'platform' });
    store.customers.set('c-1', activeCustomer());
    const first = await serviceWith(store).deleteCustomer('c-1', inputFactory({ actor: admin, idempotencyKey: 'k-9' }));
    store.idempotency.set('platform/k-9', { fingerprint: store.customerCommits[0]!.idempotency!.fingerprint, receipt: first });
    store.customers.set('c-1', activeCustomer({ status: 'DELETED' }));
    await expect(serviceWith(store).deleteCustomer('c-1', inputFactory({ actor: admin, idempotencyKey: 'k-9' }))).resolves.toEqual(first);
    expect(store.customerCommits).toHaveLength(1);
  });
});

describe('DeletionService.deleteUser', () => {
  const requestor = actorFactory({ accountId: 'reseller-1', scopes: ['users:delete'] });

  it('commits a user deletion stating the user address it read', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-1', activeCustomer());
    store.users.set('c-1/u-1', { id: 'u-1', customerId: 'c-1', status: 'ACTIVE', name: 'Sam', email: 'sam@example.com' });
    const receipt = await serviceWith(store).deleteUser('c-1', 'u-1', inputFactory({ actor: requestor, mode: 'hard' }));
    const commit = store.userCommits[0]!;
    expect(commit).toMatchObject({ customerId: 'c-1', userId: 'u-1', request: { requestId: receipt.requestId, subject: { type: 'user', customerId: 'c-1', userId: 'u-1' } } });
    expect(commit.request.type).toBe('user.delete');
    expect(commit.accessConstraint).toEqual({ kind: 'self-or-child-of', accountId: 'reseller-1' });
    expect(commit.fact).toMatchObject({ eventType: 'user.deleted', requestId: receipt.requestId, recipient: { email: 'sam@example.com', name: 'Sam' } });
  });

  it('is 404 USER for a user of another customer, and audits it', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-1', activeCustomer());
    await expect(serviceWith(store).deleteUser('c-1', 'u-x', inputFactory({ actor: requestor }))).rejects.toMatchObject({ kind: 'not-found', object: 'user' });
    expect(store.userCommits).toHaveLength(0);
    expect(store.audits.map((a) => [a.outcome, a.action])).toEqual([['NOT_FOUND', 'user.delete']]);
  });

  it('is 403 for a requestor two levels up', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-1', activeCustomer({ parentId: 'reseller-1-child' }));
    store.users.set('c-1/u-1', { id: 'u-1', customerId: 'c-1', status: 'ACTIVE' });
    await expect(serviceWith(store).deleteUser('c-1', 'u-1', inputFactory({ actor: requestor }))).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('DeletionService and revoked actors', () => {
  const revokedReseller = () => inputFactory({ actor: actorFactory({ accountId: 'reseller-1', scopes: ['customers:delete'] }) });

  it('asks nothing of the actor standing on the way to a commit: the transaction carries it (one round trip)', async () => {
    // Prepare
    const store = new ScriptedStore();
    const standing = new ScriptedStanding();

    // Act
    await serviceWith(store, standing).deleteCustomer('c-1', revokedReseller());

    // Assess
    expect(standing.asked).toBe(0);
    expect(store.reads).toEqual([]);
  });

  it('answers 401 TOKEN_REVOKED when the transaction failed on the actor standing, and audits it', async () => {
    // Prepare
    const store = new ScriptedStore();
    store.commitResults.push({ kind: 'revoked' });

    // Act / Assess
    await expect(serviceWith(store).deleteCustomer('c-1', revokedReseller())).rejects.toMatchObject({ kind: 'unauthenticated', code: 'TOKEN_REVOKED' });
    expect(store.audits).toEqual([expect.objectContaining({ outcome: 'DENIED', detail: 'TOKEN_REVOKED', target: { type: 'customer', customerId: 'c-1' } })]);
  });

  it.each([
    ['a missing scope (403 otherwise)', inputFactory({ actor: actorFactory({ scopes: [] }) })],
    ['a hard delete without a reason (400 otherwise)', inputFactory({ actor: actorFactory({ role: 'ADMIN', scopes: ['customers:delete', 'customers:purge'] }), mode: 'hard' })],
  ])('puts 401 before %s', async (_label, input) => {
    // Prepare
    const store = new ScriptedStore();

    // Act / Assess
    await expect(serviceWith(store, new ScriptedStanding(true)).deleteCustomer('c-1', input)).rejects.toBeInstanceOf(TokenRevokedError);
    expect(store.customerCommits).toHaveLength(0);
    expect(store.audits.map((a) => a.detail)).toEqual(['TOKEN_REVOKED']);
  });

  it('puts 401 before a 404 decided by the pre-read (v2)', async () => {
    // Prepare
    const store = new ScriptedStore();

    // Act / Assess
    await expect(
      serviceWith(store, new ScriptedStanding(true)).deleteUser('c-missing', 'u-1', inputFactory({ actor: actorFactory({ scopes: ['users:delete'] }) })),
    ).rejects.toBeInstanceOf(TokenRevokedError);
    expect(store.userCommits).toHaveLength(0);
  });

  it('refuses as before when the actor is in good standing', async () => {
    // Prepare
    const store = new ScriptedStore();
    const standing = new ScriptedStanding(false);

    // Act / Assess
    await expect(serviceWith(store, standing).deleteCustomer('c-1', inputFactory({ actor: actorFactory({ scopes: [] }) }))).rejects.toBeInstanceOf(ForbiddenError);
    expect(standing.asked).toBe(1);
  });
});

describe('DeletionService dry runs', () => {
  it('previews a deletion: reads, counts, audits DRY_RUN, and commits nothing', async () => {
    // Prepare
    const store = new ScriptedStore();
    store.customers.set('c-1', activeCustomer());

    // Act
    const preview = await serviceWith(store).previewCustomerDeletion('c-1', inputFactory({ idempotencyKey: 'k-1' }));

    // Assess
    // A soft delete would be kept for the default 30 days from the clock's now (2026-11-22T10:00Z).
    expect(preview).toEqual({ dryRun: true, impact: { users: 2, devices: 3, activeSessions: 1 }, purgeAfter: '2026-12-22T10:00:00.000Z' });
    expect(store.customerCommits).toHaveLength(0);
    expect(store.audits).toEqual([expect.objectContaining({ action: 'customer.delete', outcome: 'DRY_RUN', target: { type: 'customer', customerId: 'c-1' } })]);
  });

  it('refuses as the real call would, from what it reads', async () => {
    // Prepare
    const store = new ScriptedStore();
    store.customers.set('c-1', activeCustomer({ activeSubscriptions: 1 }));

    // Act / Assess
    await expect(serviceWith(store).previewCustomerDeletion('c-1', inputFactory())).rejects.toBeInstanceOf(ConflictError);
    expect(store.audits.map((a) => a.outcome)).toEqual(['CONFLICT']);
  });

  it('asks for the actor standing first, since no transaction carries it', async () => {
    // Prepare
    const store = new ScriptedStore();
    store.customers.set('c-1', activeCustomer());

    // Act / Assess
    await expect(serviceWith(store, new ScriptedStanding(true)).previewCustomerDeletion('c-1', inputFactory())).rejects.toBeInstanceOf(TokenRevokedError);
    expect(store.reads).toEqual([]);
  });

  it('previews a v2 user deletion with the same eligibility', async () => {
    // Prepare
    const store = new ScriptedStore();
    store.customers.set('c-1', activeCustomer({ parentId: 'someone-else' }));
    store.users.set('c-1/u-1', { id: 'u-1', customerId: 'c-1', status: 'ACTIVE' });
    const input = inputFactory({ actor: actorFactory({ accountId: 'reseller-1', scopes: ['users:delete'] }), mode: 'hard' });

    // Act / Assess
    await expect(serviceWith(store).previewUserDeletion('c-1', 'u-1', input)).rejects.toBeInstanceOf(ForbiddenError);
    expect(store.userCommits).toHaveLength(0);
  });
});

describe('DeletionService: retention and purge (SPEC "Lifecycle")', () => {
  const admin = actorFactory({ role: 'ADMIN', accountId: 'platform', scopes: ['customers:delete', 'customers:purge'] });
  const system = actorFactory({ sub: 'system:retention', role: 'SYSTEM', accountId: 'system', scopes: [] });
  const deletedCustomer = (overrides: Partial<Customer> = {}): Customer =>
    activeCustomer({ status: 'DELETED', deleteRequestId: 'soft-request', purgeAfter: '2026-11-01T00:00:00.000Z', ...overrides });
  const retainedService = (store: ScriptedStore) =>
    new DeletionService({
      store,
      standing: new ScriptedStanding(),
      clock: { now: () => new Date('2026-11-22T10:00:00.000Z') },
      ids: { newId: () => '00000000-0000-4000-8000-000000000001' },
      sleep: async () => undefined,
      retentionSeconds: 7 * 24 * 3600,
    });

  it('gives a soft delete a purge date, deletedAt + the retention, in its receipt and commit', async () => {
    const store = new ScriptedStore();
    const receipt = await retainedService(store).deleteCustomer('c-1', inputFactory());
    expect(receipt).toEqual({ requestId: '00000000-0000-4000-8000-000000000001', deletedAt: '2026-11-22T10:00:00.000Z', purgeAfter: '2026-11-29T10:00:00.000Z' });
    expect(store.customerCommits[0]!.receipt.purgeAfter).toBe('2026-11-29T10:00:00.000Z');
  });

  it('keeps a soft-deleted customer 30 days by default, and gives a hard delete no purge date', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-2', activeCustomer({ id: 'c-2' }));
    const soft = await serviceWith(store).deleteCustomer('c-1', inputFactory());
    const hard = await serviceWith(store).deleteCustomer('c-2', inputFactory({ actor: admin, mode: 'hard', reason: 'GDPR' }));
    expect(soft.purgeAfter).toBe('2026-12-22T10:00:00.000Z');
    expect(hard).not.toHaveProperty('purgeAfter');
  });

  it('purges a DELETED customer on an ADMIN mode=hard: a customer.purge request, the users listed, the address it read', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-1', deletedCustomer());
    store.userIds = ['u-1'];
    const receipt = await serviceWith(store).deleteCustomer('c-1', inputFactory({ actor: admin, mode: 'hard', reason: 'GDPR Art. 17' }));
    expect(store.customerCommits).toHaveLength(0);
    expect(store.reads).toEqual(['customer:c-1']);
    const commit = store.purgeCommits[0]!;
    expect(commit).toMatchObject({ customerId: 'c-1', deleteRequestId: 'soft-request', eraseUserIds: ['u-1'], accessConstraint: { kind: 'any' } });
    expect(commit.request).toMatchObject({ requestId: receipt.requestId, type: 'customer.purge', mode: 'hard', reason: 'GDPR Art. 17' });
    expect(commit.fact).toMatchObject({ eventType: 'customer.purged', mode: 'hard', recipient: { email: 'alice@example.com', name: 'Alice' } });
    expect(commit.audit).toMatchObject({ action: 'customer.purge', outcome: 'ALLOWED', mode: 'hard' });
    expect(receipt).not.toHaveProperty('purgeAfter');
  });

  it('answers 409 DELETION_IN_PROGRESS while the soft delete\'s request runs, and audits it', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-1', deletedCustomer());
    store.commitResults = [{ kind: 'refused', customer: deletedCustomer({ deleteRequestInProgress: true }) }];
    const error = await serviceWith(store).deleteCustomer('c-1', inputFactory({ actor: admin, mode: 'hard', reason: 'GDPR' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateConflictError);
    expect(error).toMatchObject({ kind: 'conflict', code: 'DELETION_IN_PROGRESS' });
    expect(store.audits).toEqual([expect.objectContaining({ action: 'customer.purge', outcome: 'CONFLICT', detail: 'DELETION_IN_PROGRESS' })]);
  });

  it('answers 409 with the legalHold blocker for a held customer, purge or hard delete', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-1', deletedCustomer({ onLegalHold: true }));
    store.customers.set('c-2', activeCustomer({ id: 'c-2', onLegalHold: true }));
    for (const id of ['c-1', 'c-2']) {
      const error = await serviceWith(store).deleteCustomer(id, inputFactory({ actor: admin, mode: 'hard', reason: 'GDPR' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).blockers).toEqual([{ type: 'legalHold', detail: expect.any(String) }]);
    }
    expect(store.purgeCommits).toHaveLength(0);
    expect(store.customerCommits).toHaveLength(0);
  });

  it('still soft-deletes a held customer', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-1', activeCustomer({ onLegalHold: true }));
    await serviceWith(store).deleteCustomer('c-1', inputFactory({ actor: admin }));
    expect(store.customerCommits).toHaveLength(1);
  });

  it('answers 404 for a PURGED customer', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-1', deletedCustomer({ status: 'PURGED' }));
    await expect(serviceWith(store).deleteCustomer('c-1', inputFactory({ actor: admin, mode: 'hard', reason: 'GDPR' }))).rejects.toBeInstanceOf(NotFoundError);
    expect(store.purgeCommits).toHaveLength(0);
  });

  it('purges a due customer as the retention actor, with the due constraint in the write', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-1', deletedCustomer());
    await serviceWith(store).purgeDueCustomer('c-1', { actor: system, reason: 'retention period ended', ticket: null, correlationId: 'run-1' });
    expect(store.purgeCommits[0]).toMatchObject({ accessConstraint: { kind: 'purge-due', at: '2026-11-22T10:00:00.000Z' }, request: { type: 'customer.purge', mode: 'hard', actor: { sub: 'system:retention', role: 'SYSTEM', accountId: 'system' } } });
  });

  it('refuses the schedule a customer not yet due (403 NOT_DUE), and anyone but SYSTEM a due purge', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-1', deletedCustomer({ purgeAfter: '2026-12-01T00:00:00.000Z' }));
    const input = { reason: 'retention period ended', ticket: null, correlationId: 'run-1' };
    await expect(serviceWith(store).purgeDueCustomer('c-1', { ...input, actor: system })).rejects.toMatchObject({ kind: 'forbidden', code: 'NOT_DUE' });
    await expect(serviceWith(store).purgeDueCustomer('c-1', { ...input, actor: admin })).rejects.toMatchObject({ kind: 'forbidden', code: 'PURGE_NOT_ALLOWED' });
    expect(store.purgeCommits).toHaveLength(0);
  });

  it('prepares again from a fresh read when the purge\'s view was stale (a new soft delete meanwhile)', async () => {
    const store = new ScriptedStore();
    store.customers.set('c-1', deletedCustomer({ deleteRequestId: 'second-soft-request' }));
    store.commitResults = [{ kind: 'refused', customer: deletedCustomer({ deleteRequestId: 'second-soft-request' }) }];
    await serviceWith(store).purgeDueCustomer('c-1', { actor: system, reason: 'retention period ended', ticket: null, correlationId: 'run-1' });
    expect(store.purgeCommits.map((c) => c.deleteRequestId)).toEqual(['second-soft-request', 'second-soft-request']);
    expect(store.reads).toEqual(['customer:c-1', 'customer:c-1']);
  });
});

describe('DeletionService dry run of a purge now', () => {
  const admin = () => inputFactory({ actor: actorFactory({ role: 'ADMIN', accountId: 'platform', scopes: ['customers:delete', 'customers:purge'] }), mode: 'hard', reason: 'GDPR' });

  it('refuses while the soft delete’s own request is IN_PROGRESS, as the purge’s condition would', async () => {
    // Prepare
    const store = new ScriptedStore();
    store.customers.set('c-1', activeCustomer({ status: 'DELETED', deleteRequestId: 'req-soft' }));
    store.requestsInProgress.add('req-soft');

    // Act / Assess
    await expect(serviceWith(store).previewCustomerDeletion('c-1', admin())).rejects.toMatchObject({ code: 'DELETION_IN_PROGRESS' });
  });

  it('previews it once that request is done, with no purgeAfter (a purge is final)', async () => {
    // Prepare
    const store = new ScriptedStore();
    store.customers.set('c-1', activeCustomer({ status: 'DELETED', deleteRequestId: 'req-soft' }));

    // Act
    const preview = await serviceWith(store).previewCustomerDeletion('c-1', admin());

    // Assess
    expect(preview).toEqual({ dryRun: true, impact: { users: 2, devices: 3, activeSessions: 1 } });
    expect(store.customerCommits).toHaveLength(0);
  });
});
