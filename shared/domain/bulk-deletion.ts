import type { ActorStanding } from './actor-standing';
import { decideCustomerDeletionByClaims } from './authorization';
import type { Clock, DeletionFact, DeletionInput, DeletionReceipt, IdempotencyClaim, IdGenerator, NewRequest, StoredIdempotency } from './deletion-ports';
import { requestFingerprint } from './deletion-service';
import { DomainError, ForbiddenError, IdempotencyKeyReuseError, TokenRevokedError, ValidationError } from './errors';
import type { Actor, DeletionMode, DeletionRequest, RequestStatus, Role } from './model';
import { pageableOf, type Pageable, type PageRequest } from './state-reads';

/**
 * Bulk deletion (SPEC "Bulk deletion"): one batch request whose single `split` step deletes each
 * customer exactly as a v1 delete does (same authorization, conditions, audit, request and cascade:
 * it calls the same DeletionService), children before their parents. The API call only decides
 * whether the batch may start (the actor's claims, its standing) and commits the batch request with
 * its one outbox event; the split step's worker does the deletions, recording each item's outcome, so
 * a worker that dies half-way resumes from what is recorded: each item's deletion carries an
 * idempotency key of its own (`batch:<batchId>:<customerId>`), so a deletion that committed before
 * its outcome was recorded replays its receipt instead of deleting twice.
 */

export const MAX_BATCH_SIZE = 1000;

export type ItemOutcome = 'DELETED' | 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'UNAUTHORIZED' | 'FAILED' | 'PENDING';

/** One customer's outcome in a batch: its deletion's request id when DELETED, the refusal's code otherwise. */
export interface BatchItem {
  customerId: string;
  outcome: Exclude<ItemOutcome, 'PENDING'>;
  requestId?: string;
  code?: string;
}

export interface BulkDeletionInput {
  actor: Actor;
  customerIds: readonly string[];
  mode: DeletionMode;
  reason: string | null;
  ticket: string | null;
  idempotencyKey: string | null;
}

/** The batch as stored: its request, the ids in the order given, and the scopes its deletions are decided with. */
export interface StoredBatch {
  request: DeletionRequest & { ownerAccountId: string };
  customerIds: readonly string[];
  actorScopes: readonly string[];
}

export type BatchCommitResult = { kind: 'committed' } | { kind: 'revoked' } | { kind: 'replay'; stored: StoredIdempotency };

/** The batches' store: the one commit of a new batch, and what its worker reads and records. */
export interface BatchStore {
  /** The batch request, its outbox event and its idempotency key, in one transaction conditional on the actor's standing. */
  commitBatch(commit: { request: NewRequest; fact: DeletionFact; customerIds: readonly string[]; actorScopes: readonly string[]; idempotency?: IdempotencyClaim; receipt: DeletionReceipt }): Promise<BatchCommitResult>;
  /** The batch and the outcomes recorded so far (consistent reads). */
  loadBatch(batchId: string): Promise<{ batch: StoredBatch; outcomes: ReadonlyMap<string, BatchItem> } | undefined>;
  /** The parent of each customer that exists (absent ones are left out). */
  parentsOf(customerIds: readonly string[]): Promise<ReadonlyMap<string, string | null>>;
  /** Records an item's outcome; a decided outcome is never overwritten, a FAILED one may be (a redrive retries it). */
  recordOutcome(batchId: string, item: BatchItem, at: string): Promise<void>;
  /**
   * Records several outcomes in one request (up to OUTCOMES_PER_WRITE), for items this run decided
   * (undecided or FAILED when it loaded the batch; one run at a time holds the step's claim). When a
   * store has it, a run records in chunks: one write per chunk instead of one per item.
   */
  recordOutcomes?(batchId: string, items: readonly BatchItem[], at: string): Promise<void>;
}

/** Outcomes recorded per write when the store records in chunks (BatchWriteItem's 25). */
export const OUTCOMES_PER_WRITE = 25;

/** Starts bulk deletions: decides whether the actor may, and commits the batch. Never deletes anything itself. */
export class BulkDeletionService {
  constructor(private readonly deps: { store: BatchStore; standing: ActorStanding; clock: Clock; ids: IdGenerator; idempotencyTtlSeconds?: number }) {}

  async start(input: BulkDeletionInput): Promise<{ batchId: string }> {
    const { actor, mode, reason, ticket } = input;
    // The claims every item's deletion would check first (role, scope, ADMIN and customers:purge for a hard delete):
    // a batch none of whose items could pass is refused as a whole, as its v1 deletes would each be.
    const byClaims = decideCustomerDeletionByClaims(actor, mode);
    if (!byClaims.allowed) {
      if (await this.deps.standing.isRevoked(actor)) throw new TokenRevokedError();
      throw new ForbiddenError(byClaims.code, byClaims.message);
    }
    if (mode === 'hard' && !reason) throw new ValidationError('REASON_REQUIRED', 'A reason is required for mode=hard');
    const now = this.deps.clock.now();
    const at = now.toISOString();
    const batchId = this.deps.ids.newId();
    const actorRef = { sub: actor.sub, role: actor.role, accountId: actor.accountId };
    const subject = { type: 'batch' as const, size: input.customerIds.length };
    const receipt: DeletionReceipt = { requestId: batchId, deletedAt: at };
    const idempotency = input.idempotencyKey
      ? {
          accountId: actor.accountId,
          key: input.idempotencyKey,
          fingerprint: requestFingerprint({ api: 'bulk', customerIds: input.customerIds.join(','), mode, reason, ticket, sub: actor.sub }),
          expiresAtEpochSeconds: Math.floor(now.getTime() / 1000) + (this.deps.idempotencyTtlSeconds ?? 24 * 3600),
        }
      : undefined;
    const result = await this.deps.store.commitBatch({
      request: { requestId: batchId, type: 'batch', subject, actor: actorRef, ...(reason ? { reason } : {}), ...(ticket ? { ticket } : {}), mode, status: 'IN_PROGRESS', createdAt: at, updatedAt: at },
      fact: { eventType: 'batch.requested', requestId: batchId, occurredAt: at, subject, actor: actorRef, mode, reason },
      customerIds: input.customerIds,
      actorScopes: [...actor.scopes],
      ...(idempotency ? { idempotency } : {}),
      receipt,
    });
    switch (result.kind) {
      case 'committed':
        return { batchId };
      case 'revoked':
        throw new TokenRevokedError();
      case 'replay':
        if (!idempotency || result.stored.fingerprint !== idempotency.fingerprint) throw new IdempotencyKeyReuseError();
        return { batchId: result.stored.receipt.requestId };
    }
  }
}

/**
 * The order a batch's deletions run in: waves, each customer after all of its children that are in
 * the same batch (a parent is refused while it has a live sub-customer, so its children go first).
 * Ids that do not exist, or whose parent is not in the batch, are in the first wave. A parent cycle
 * cannot occur in the table (a customer is created under an existing parent).
 */
export function deletionWaves(customerIds: readonly string[], parents: ReadonlyMap<string, string | null>): string[][] {
  const inBatch = new Set(customerIds);
  const children = new Map<string, string[]>();
  for (const id of customerIds) {
    const parent = parents.get(id);
    if (parent && inBatch.has(parent)) children.set(parent, [...(children.get(parent) ?? []), id]);
  }
  const level = new Map<string, number>();
  const levelOf = (id: string, seen: Set<string>): number => {
    const known = level.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const own = Math.max(-1, ...(children.get(id) ?? []).map((child) => levelOf(child, seen))) + 1;
    level.set(id, own);
    return own;
  };
  const waves: string[][] = [];
  for (const id of customerIds) {
    const own = levelOf(id, new Set());
    (waves[own] ??= []).push(id);
  }
  return waves.filter((wave) => wave !== undefined);
}

/** What a refusal of one item's deletion makes its outcome; undefined for a fault to retry (an outage). */
export function outcomeOf(error: unknown): Omit<BatchItem, 'customerId'> | undefined {
  if (!(error instanceof DomainError)) return { outcome: 'FAILED', code: 'INTERNAL_ERROR' };
  const code = error.code ?? error.kind;
  switch (error.kind) {
    case 'not-found':
      return { outcome: 'NOT_FOUND', code: 'CUSTOMER_NOT_FOUND' };
    case 'forbidden':
      return { outcome: 'FORBIDDEN', code };
    case 'conflict':
    case 'gone':
      return { outcome: 'CONFLICT', code };
    case 'unauthenticated':
      return { outcome: 'UNAUTHORIZED', code };
    case 'unavailable':
      return undefined;
    default:
      return { outcome: 'FAILED', code };
  }
}

export interface BatchRunDeps {
  store: BatchStore;
  /** The v1 deletion itself: the same service the API's DELETE /customer/{id} calls. */
  deleteCustomer(customerId: string, input: DeletionInput): Promise<DeletionReceipt>;
  clock: Clock;
  /** Deletions of one wave run at once (they touch different customers; their parents wait for the next wave). */
  concurrency: number;
  /** Milliseconds the run may still take (Lambda's remaining time less a reserve): no new item starts after it reaches 0. */
  timeLeftMs?: () => number;
}

export interface BatchRunResult {
  total: number;
  deleted: number;
  refused: number;
  failed: number;
  /** Items left undecided: an outage, or the run's time ran out. The run is to be retried. */
  pending: number;
}

/** The key an item's deletion is made with: a retried run replays a committed deletion instead of making a second. */
export function itemIdempotencyKey(batchId: string, customerId: string): string {
  return `batch:${batchId}:${customerId}`;
}

/**
 * Runs (or resumes) a batch: every item without a decided outcome (or with a FAILED one) is deleted as
 * a v1 delete by the batch's actor, wave by wave, and its outcome recorded. Items already decided are
 * skipped. Returns the totals; `pending` > 0 means the run must be retried.
 */
export async function runBatch(batchId: string, deps: BatchRunDeps): Promise<BatchRunResult | 'no-batch'> {
  const loaded = await deps.store.loadBatch(batchId);
  if (!loaded) return 'no-batch';
  const { batch } = loaded;
  const outcomes = new Map(loaded.outcomes);
  const { request } = batch;
  const actor: Actor = { sub: request.actor.sub, role: request.actor.role as Role, accountId: request.actor.accountId, scopes: new Set(batch.actorScopes) };
  const undecided = (id: string) => {
    const outcome = outcomes.get(id)?.outcome;
    return outcome === undefined || outcome === 'FAILED';
  };
  const waves = deletionWaves(batch.customerIds, batch.customerIds.some(undecided) ? await deps.store.parentsOf(batch.customerIds) : new Map());
  let stop = false;
  // Chunked recording: decided items wait (at most OUTCOMES_PER_WRITE of them) for one write. A run that
  // dies before its chunk is written decides those items again: each deletion replays from its key.
  const recordMany = deps.store.recordOutcomes?.bind(deps.store);
  let unrecorded: BatchItem[] = [];
  const flush = async () => {
    if (!recordMany || unrecorded.length === 0) return;
    const chunk = unrecorded;
    unrecorded = [];
    await recordMany(batchId, chunk, deps.clock.now().toISOString());
  };
  for (const wave of waves) {
    const todo = wave.filter(undecided);
    let next = 0;
    const runOne = async (): Promise<void> => {
      while (next < todo.length && !stop) {
        if (deps.timeLeftMs && deps.timeLeftMs() <= 0) {
          stop = true;
          return;
        }
        const customerId = todo[next]!;
        next += 1;
        const item = await decideItem(batchId, customerId, actor, request, deps);
        if (!item) continue;
        if (recordMany) {
          outcomes.set(customerId, item);
          unrecorded.push(item);
          if (unrecorded.length >= OUTCOMES_PER_WRITE) await flush();
        } else {
          await deps.store.recordOutcome(batchId, item, deps.clock.now().toISOString());
          outcomes.set(customerId, item);
        }
      }
    };
    // A failure to record stops the whole run (no new deletion starts, none runs on after it): the retry resumes.
    const runners = await Promise.allSettled(
      Array.from({ length: Math.min(deps.concurrency, todo.length) }, () =>
        runOne().catch((error: unknown) => {
          stop = true;
          throw error;
        }),
      ),
    );
    const failure = runners.find((runner): runner is PromiseRejectedResult => runner.status === 'rejected');
    if (failure) throw failure.reason;
    // A wave's outcomes are written before the next wave starts (and before the run ends or stops).
    await flush();
    if (stop) break;
  }
  return totalsOf(batch.customerIds, outcomes);
}

async function decideItem(batchId: string, customerId: string, actor: Actor, request: StoredBatch['request'], deps: BatchRunDeps): Promise<BatchItem | undefined> {
  try {
    const receipt = await deps.deleteCustomer(customerId, {
      actor,
      mode: request.mode,
      reason: request.reason ?? null,
      ticket: request.ticket ?? null,
      idempotencyKey: itemIdempotencyKey(batchId, customerId),
      correlationId: batchId,
    });
    return { customerId, outcome: 'DELETED', requestId: receipt.requestId };
  } catch (error) {
    const outcome = outcomeOf(error);
    return outcome ? { customerId, ...outcome } : undefined;
  }
}

export function totalsOf(customerIds: readonly string[], outcomes: ReadonlyMap<string, BatchItem>): BatchRunResult {
  const totals: BatchRunResult = { total: customerIds.length, deleted: 0, refused: 0, failed: 0, pending: 0 };
  for (const id of customerIds) {
    const outcome = outcomes.get(id)?.outcome;
    if (outcome === undefined) totals.pending += 1;
    else if (outcome === 'DELETED') totals.deleted += 1;
    else if (outcome === 'FAILED') totals.failed += 1;
    else totals.refused += 1;
  }
  return totals;
}

/** A batch as its requestor sees it (SPEC "Bulk deletion"): status, totals, and one page of its items in the order given. */
export function batchView(batch: StoredBatch, outcomes: ReadonlyMap<string, BatchItem>, page: PageRequest): { content: unknown[]; pageable: Pageable } {
  const { total, deleted, refused, failed, pending } = totalsOf(batch.customerIds, outcomes);
  const items = batch.customerIds.slice(page.page * page.size, (page.page + 1) * page.size).map((customerId) => {
    const item = outcomes.get(customerId);
    return item
      ? { customerId, outcome: item.outcome, ...(item.requestId ? { requestId: item.requestId } : {}), ...(item.code && item.outcome !== 'DELETED' ? { code: item.code } : {}) }
      : { customerId, outcome: 'PENDING' as const };
  });
  const status: RequestStatus = batch.request.status;
  return {
    content: [{ requestId: batch.request.requestId, type: 'batch', status, totals: { total, deleted, refused, failed, pending }, items }],
    pageable: pageableOf(page, total),
  };
}
