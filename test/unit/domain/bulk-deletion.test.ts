import type { ActorStanding } from '../../../shared/domain/actor-standing';
import {
  batchView,
  BulkDeletionService,
  deletionWaves,
  itemIdempotencyKey,
  outcomeOf,
  runBatch,
  type BatchItem,
  type BatchStore,
  type StoredBatch,
} from '../../../shared/domain/bulk-deletion';
import type { DeletionInput, DeletionReceipt } from '../../../shared/domain/deletion-ports';
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
import type { Actor } from '../../../shared/domain/model';

const NOW = new Date('2026-11-30T10:00:00.000Z');
const clock = { now: () => NOW };
const reseller: Actor = { sub: 'op-1', role: 'RESALE', accountId: 'acme', scopes: new Set(['customers:delete']) };

/** An in-memory batch store: one batch, its outcomes, the parents of the table's customers. */
class FakeBatchStore implements BatchStore {
  outcomes = new Map<string, BatchItem>();
  recorded: BatchItem[] = [];
  committed: Parameters<BatchStore['commitBatch']>[0][] = [];
  failRecordOf?: string;
  constructor(
    private readonly batch: StoredBatch | undefined,
    private readonly parents: Map<string, string | null> = new Map(),
    private readonly commitAnswer: Awaited<ReturnType<BatchStore['commitBatch']>> = { kind: 'committed' },
  ) {}
  async commitBatch(commit: Parameters<BatchStore['commitBatch']>[0]) {
    this.committed.push(commit);
    return this.commitAnswer;
  }
  async loadBatch() {
    return this.batch ? { batch: this.batch, outcomes: new Map(this.outcomes) } : undefined;
  }
  async parentsOf() {
    return this.parents;
  }
  async recordOutcome(_batchId: string, item: BatchItem) {
    // A worker dying between a deletion and its record: the run stops here.
    if (item.customerId === this.failRecordOf) throw new Error('worker died');
    const current = this.outcomes.get(item.customerId);
    if (current && current.outcome !== 'FAILED') return;
    this.outcomes.set(item.customerId, item);
    this.recorded.push(item);
  }
}

function storedBatch(customerIds: string[], overrides: Partial<StoredBatch['request']> = {}): StoredBatch {
  return {
    request: {
      requestId: 'batch-1',
      type: 'batch',
      subject: { type: 'batch', size: customerIds.length },
      actor: { sub: 'op-1', role: 'RESALE', accountId: 'acme' },
      mode: 'soft',
      reason: 'offboarding',
      status: 'IN_PROGRESS',
      steps: {},
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      ownerAccountId: 'acme',
      ...overrides,
    },
    customerIds,
    actorScopes: ['customers:delete'],
  };
}

/** A v1 deletion stand-in: deletes each customer once (a key already used replays), refuses by a table of errors. */
function fakeDeletions(refusals: Record<string, Error> = {}) {
  const deleted = new Map<string, DeletionReceipt>();
  const byKey = new Map<string, DeletionReceipt>();
  const calls: { customerId: string; input: DeletionInput }[] = [];
  const deleteCustomer = async (customerId: string, input: DeletionInput): Promise<DeletionReceipt> => {
    calls.push({ customerId, input });
    const replay = input.idempotencyKey ? byKey.get(input.idempotencyKey) : undefined;
    if (replay) return replay;
    const refusal = refusals[customerId];
    if (refusal) throw refusal;
    if (deleted.has(customerId)) throw new NotFoundError('customer');
    const receipt = { requestId: `req-${customerId}`, deletedAt: NOW.toISOString() };
    deleted.set(customerId, receipt);
    if (input.idempotencyKey) byKey.set(input.idempotencyKey, receipt);
    return receipt;
  };
  return { deleteCustomer, deleted, calls };
}

describe('deletionWaves', () => {
  it('puts every customer after its children that are in the same batch', () => {
    const parents = new Map<string, string | null>([
      ['reseller', null],
      ['parent', 'reseller'],
      ['child-a', 'parent'],
      ['child-b', 'parent'],
      ['grandchild', 'child-a'],
      ['loner', 'elsewhere'],
    ]);

    const waves = deletionWaves(['parent', 'loner', 'child-a', 'grandchild', 'missing', 'child-b'], parents);

    expect(waves).toEqual([['loner', 'grandchild', 'missing', 'child-b'], ['child-a'], ['parent']]);
  });

  it('keeps the given order within a wave and needs no parents when none are in the batch', () => {
    expect(deletionWaves(['c', 'a', 'b'], new Map())).toEqual([['c', 'a', 'b']]);
  });
});

describe('outcomeOf (what a refusal makes an item)', () => {
  it.each([
    [new NotFoundError('customer'), { outcome: 'NOT_FOUND', code: 'CUSTOMER_NOT_FOUND' }],
    [new ForbiddenError('NOT_MANAGED', 'Customer is not managed by this reseller'), { outcome: 'FORBIDDEN', code: 'NOT_MANAGED' }],
    [new ConflictError([]), { outcome: 'CONFLICT', code: 'DELETION_BLOCKED' }],
    [new StateConflictError('DELETION_IN_PROGRESS', 'busy'), { outcome: 'CONFLICT', code: 'DELETION_IN_PROGRESS' }],
    [new TokenRevokedError(), { outcome: 'UNAUTHORIZED', code: 'TOKEN_REVOKED' }],
    [new ValidationError('REASON_REQUIRED', 'x'), { outcome: 'FAILED', code: 'REASON_REQUIRED' }],
    [new TypeError('boom'), { outcome: 'FAILED', code: 'INTERNAL_ERROR' }],
  ])('%p → %j', (error, expected) => {
    expect(outcomeOf(error)).toEqual(expected);
  });

  it('leaves an outage undecided, to be retried', () => {
    expect(outcomeOf(new DependencyUnavailableError('dynamodb'))).toBeUndefined();
  });
});

describe('runBatch', () => {
  it('deletes each customer as a v1 delete by the batch’s actor, children first, with a key of its own', async () => {
    const store = new FakeBatchStore(storedBatch(['parent', 'child']), new Map([['child', 'parent'], ['parent', 'acme']]));
    const deletions = fakeDeletions();

    const result = await runBatch('batch-1', { store, deleteCustomer: deletions.deleteCustomer, clock, concurrency: 4 });

    expect(result).toEqual({ total: 2, deleted: 2, refused: 0, failed: 0, pending: 0 });
    expect(deletions.calls.map((c) => c.customerId)).toEqual(['child', 'parent']);
    expect(deletions.calls[0]!.input).toMatchObject({
      actor: { sub: 'op-1', role: 'RESALE', accountId: 'acme' },
      mode: 'soft',
      reason: 'offboarding',
      idempotencyKey: itemIdempotencyKey('batch-1', 'child'),
      correlationId: 'batch-1',
    });
    expect([...deletions.calls[0]!.input.actor.scopes]).toEqual(['customers:delete']);
    expect(store.recorded).toEqual([
      { customerId: 'child', outcome: 'DELETED', requestId: 'req-child' },
      { customerId: 'parent', outcome: 'DELETED', requestId: 'req-parent' },
    ]);
  });

  it('records each refusal as its outcome and counts them', async () => {
    const store = new FakeBatchStore(storedBatch(['ok', 'gone', 'theirs', 'busy']));
    const deletions = fakeDeletions({
      gone: new NotFoundError('customer'),
      theirs: new ForbiddenError('NOT_MANAGED', 'no'),
      busy: new ConflictError([{ type: 'activeSubscription', detail: '2 active subscriptions' }]),
    });

    const result = await runBatch('batch-1', { store, deleteCustomer: deletions.deleteCustomer, clock, concurrency: 2 });

    expect(result).toEqual({ total: 4, deleted: 1, refused: 3, failed: 0, pending: 0 });
    expect(Object.fromEntries([...store.outcomes].map(([id, item]) => [id, item.outcome]))).toEqual({ ok: 'DELETED', gone: 'NOT_FOUND', theirs: 'FORBIDDEN', busy: 'CONFLICT' });
  });

  it('resumes a run that died half-way without deleting anything twice or losing an item', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `c-${i}`);
    const store = new FakeBatchStore(storedBatch(ids));
    const deletions = fakeDeletions();
    store.failRecordOf = 'c-17'; // deleted, then the worker died before recording it

    await expect(runBatch('batch-1', { store, deleteCustomer: deletions.deleteCustomer, clock, concurrency: 3 })).rejects.toThrow('worker died');
    const afterCrash = store.outcomes.size;
    store.failRecordOf = undefined;
    const result = await runBatch('batch-1', { store, deleteCustomer: deletions.deleteCustomer, clock, concurrency: 3 });

    expect(afterCrash).toBeLessThan(30);
    expect(result).toEqual({ total: 30, deleted: 30, refused: 0, failed: 0, pending: 0 });
    expect(deletions.deleted.size).toBe(30);
    // c-17's deletion committed before the crash: the resumed run replayed it (its key), same request.
    expect(store.outcomes.get('c-17')).toEqual({ customerId: 'c-17', outcome: 'DELETED', requestId: 'req-c-17' });
    // Only undecided items were tried again: the decided ones were not called a second time.
    const callsPerId = new Map<string, number>();
    for (const call of deletions.calls) callsPerId.set(call.customerId, (callsPerId.get(call.customerId) ?? 0) + 1);
    expect([...callsPerId.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(3);
  });

  it('leaves items undecided on an outage or when its time runs out, for the retry', async () => {
    const outage = new FakeBatchStore(storedBatch(['a', 'b']));
    const down = await runBatch('batch-1', { store: outage, deleteCustomer: fakeDeletions({ b: new DependencyUnavailableError('dynamodb') }).deleteCustomer, clock, concurrency: 1 });
    const late = new FakeBatchStore(storedBatch(['a', 'b', 'c']));
    let budget = 2;
    const timedOut = await runBatch('batch-1', { store: late, deleteCustomer: fakeDeletions().deleteCustomer, clock, concurrency: 1, timeLeftMs: () => budget-- });

    expect(down).toEqual({ total: 2, deleted: 1, refused: 0, failed: 0, pending: 1 });
    expect(timedOut).toMatchObject({ deleted: 2, pending: 1 });
  });

  it('retries a FAILED item on the next run (a redrive), and never an item already decided', async () => {
    const store = new FakeBatchStore(storedBatch(['a', 'b', 'c']));
    store.outcomes.set('a', { customerId: 'a', outcome: 'FAILED', code: 'INTERNAL_ERROR' });
    store.outcomes.set('b', { customerId: 'b', outcome: 'FORBIDDEN', code: 'NOT_MANAGED' });
    const deletions = fakeDeletions();

    const result = await runBatch('batch-1', { store, deleteCustomer: deletions.deleteCustomer, clock, concurrency: 2 });

    expect(deletions.calls.map((c) => c.customerId).sort()).toEqual(['a', 'c']);
    expect(result).toEqual({ total: 3, deleted: 2, refused: 1, failed: 0, pending: 0 });
  });

  it('says when there is no such batch', async () => {
    expect(await runBatch('nope', { store: new FakeBatchStore(undefined), deleteCustomer: fakeDeletions().deleteCustomer, clock, concurrency: 1 })).toBe('no-batch');
  });
});

describe('batchView', () => {
  it('pages the items in the order given, PENDING until decided, with totals over all of them', () => {
    const batch = storedBatch(['a', 'b', 'c', 'd', 'e']);
    const outcomes = new Map<string, BatchItem>([
      ['a', { customerId: 'a', outcome: 'DELETED', requestId: 'req-a' }],
      ['b', { customerId: 'b', outcome: 'CONFLICT', code: 'DELETION_BLOCKED' }],
      ['d', { customerId: 'd', outcome: 'FAILED', code: 'INTERNAL_ERROR' }],
    ]);

    const first = batchView(batch, outcomes, { page: 0, size: 2 });
    const last = batchView(batch, outcomes, { page: 2, size: 2 });

    expect(first).toEqual({
      content: [
        {
          requestId: 'batch-1',
          type: 'batch',
          status: 'IN_PROGRESS',
          totals: { total: 5, deleted: 1, refused: 1, failed: 1, pending: 2 },
          items: [
            { customerId: 'a', outcome: 'DELETED', requestId: 'req-a' },
            { customerId: 'b', outcome: 'CONFLICT', code: 'DELETION_BLOCKED' },
          ],
        },
      ],
      pageable: { page: 0, size: 2, totalPages: 3, totalElements: 5 },
    });
    expect((last.content[0] as { items: unknown[] }).items).toEqual([{ customerId: 'e', outcome: 'PENDING' }]);
  });
});

describe('BulkDeletionService.start', () => {
  const standing = (revoked: boolean): ActorStanding => ({ isRevoked: async () => revoked });
  const ids = { newId: () => 'batch-9' };
  const input = { actor: reseller, customerIds: ['a', 'b'], mode: 'soft' as const, reason: 'offboarding', ticket: 'T-1', idempotencyKey: null };

  it('commits one batch request and its one event, and answers its id', async () => {
    const store = new FakeBatchStore(undefined);

    const result = await new BulkDeletionService({ store, standing: standing(false), clock, ids }).start(input);

    expect(result).toEqual({ batchId: 'batch-9' });
    expect(store.committed).toHaveLength(1);
    expect(store.committed[0]).toMatchObject({
      request: { requestId: 'batch-9', type: 'batch', subject: { type: 'batch', size: 2 }, mode: 'soft', reason: 'offboarding', ticket: 'T-1', status: 'IN_PROGRESS' },
      fact: { eventType: 'batch.requested', requestId: 'batch-9', subject: { type: 'batch', size: 2 } },
      customerIds: ['a', 'b'],
      actorScopes: ['customers:delete'],
    });
  });

  it('refuses by the claims a v1 delete checks first (403; 401 when revoked), and a hard batch without a reason (400)', async () => {
    const noScope = { ...input, actor: { ...reseller, scopes: new Set<string>() } };
    const store = new FakeBatchStore(undefined);

    await expect(new BulkDeletionService({ store, standing: standing(false), clock, ids }).start(noScope)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(new BulkDeletionService({ store, standing: standing(true), clock, ids }).start(noScope)).rejects.toBeInstanceOf(TokenRevokedError);
    await expect(new BulkDeletionService({ store, standing: standing(false), clock, ids }).start({ ...input, mode: 'hard' })).rejects.toBeInstanceOf(ForbiddenError);
    const admin: Actor = { sub: 'a-1', role: 'ADMIN', accountId: 'platform', scopes: new Set(['customers:delete', 'customers:purge']) };
    await expect(new BulkDeletionService({ store, standing: standing(false), clock, ids }).start({ ...input, actor: admin, mode: 'hard', reason: null })).rejects.toBeInstanceOf(ValidationError);
    expect(store.committed).toHaveLength(0);
  });

  it('replays an Idempotency-Key used for the same batch, and refuses it for another', async () => {
    const keyed = { ...input, idempotencyKey: 'k-1' };
    const first = new FakeBatchStore(undefined);
    await new BulkDeletionService({ store: first, standing: standing(false), clock, ids }).start(keyed);
    const fingerprint = first.committed[0]!.idempotency!.fingerprint;
    const replaying = new FakeBatchStore(undefined, new Map(), { kind: 'replay', stored: { fingerprint, receipt: { requestId: 'batch-1', deletedAt: NOW.toISOString() } } });

    expect(await new BulkDeletionService({ store: replaying, standing: standing(false), clock, ids }).start(keyed)).toEqual({ batchId: 'batch-1' });
    await expect(new BulkDeletionService({ store: replaying, standing: standing(false), clock, ids }).start({ ...keyed, customerIds: ['a'] })).rejects.toBeInstanceOf(IdempotencyKeyReuseError);
  });
});
