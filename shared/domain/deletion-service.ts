import { createHash } from 'node:crypto';
import type { ActorStanding } from './actor-standing';
import { decideCustomerDeletionByClaims, decidePurgeByClaims, decideUserDeletionByClaims, type PurgeTrigger } from './authorization';
import type {
  AuditOutcome,
  AuditRecord,
  Clock,
  CommitResult,
  DeletionCommit,
  DeletionFact,
  DeletionInput,
  DeletionReceipt,
  DeletionStore,
  IdGenerator,
  IdempotencyClaim,
  StoredIdempotency,
  DeletionImpact,
} from './deletion-ports';
import { blockersFor, customerDeletionRefusal, subCustomerRoom, userDeletionRefusal, type CustomerState, type Refusal, type UserState } from './deletion-rules';
import {
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  IdempotencyKeyReuseError,
  NotFoundError,
  StateConflictError,
  TokenRevokedError,
  ValidationError,
} from './errors';
import { purgeRefusal } from './purge-rules';
import type { RequestType, Subject } from './model';

/**
 * The deletion core: one state machine for v1 (a customer) and v2 (a user of a customer).
 * It decides, plans the one atomic commit (state change, audit, request, the deletion fact for
 * the outbox, idempotency), and explains refusals. It talks only through the ports it is given.
 */

export interface DeletionDeps {
  store: DeletionStore;
  /** Whether the actor was cut off by a deletion: asked only on the way to a refusal (401 wins). */
  standing: ActorStanding;
  clock: Clock;
  ids: IdGenerator;
  /** How long an Idempotency-Key is remembered. */
  idempotencyTtlSeconds?: number;
  /** Attempts when concurrent transactions collide on the same items. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  /** How long a soft-deleted customer is kept before its purge (RETENTION_SECONDS); default 30 days. */
  retentionSeconds?: number;
}

/** SPEC "Lifecycle": a soft delete keeps the data 30 days unless the stage says otherwise. */
export const DEFAULT_RETENTION_SECONDS = 30 * 24 * 3600;

const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const DEFAULT_MAX_ATTEMPTS = 6;

export function requestFingerprint(parts: Record<string, string | null>): string {
  const canonical = JSON.stringify(Object.keys(parts).sort().map((k) => [k, parts[k]]));
  return createHash('sha256').update(canonical).digest('hex');
}

/** Everything one deletion call is about, fixed before its first attempt. */
interface DeletionContext {
  input: DeletionInput;
  subject: Subject;
  action: AuditRecord['action'];
  requestType: RequestType;
  eventType: DeletionFact['eventType'];
  idempotency: IdempotencyClaim | undefined;
  /** A soft delete's retention: its receipt says when the customer becomes due for its purge. */
  retentionSeconds?: number;
}

/** What one attempt found: a refusal to answer with, or a commit to try. */
type Prepared =
  | { refusal: Refusal }
  | { recipient: DeletionFact['recipient']; commit: (parts: DeletionCommit) => Promise<CommitResult> };

interface AttemptPlan {
  /** Reads what this attempt needs (`stale`: the last attempt's view proved out of date) and says what to commit. */
  prepare(stale: boolean): Promise<Prepared>;
  /** Explains a write whose conditions failed, from the state they saw; undefined when that state allows it (our view was stale). */
  explain(customer: CustomerState | undefined, user: UserState | undefined): Refusal | undefined;
}

/** A dry run's answer: the deletion may go ahead, and this is what it would change. */
export interface DeletionPreview {
  dryRun: true;
  impact: DeletionImpact;
  /** A soft delete's: when the customer would be purged. */
  purgeAfter?: string;
}

export class DeletionService {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: DeletionDeps) {
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** v1: delete (soft) or purge (hard) a customer. */
  async deleteCustomer(customerId: string, input: DeletionInput): Promise<DeletionReceipt> {
    const { actor, mode } = input;
    const subject: Subject = { type: 'customer', customerId };
    const context = this.context(input, subject, 'customer.delete', 'customer.deleted', {
      api: 'v1',
      customerId,
      mode,
      reason: input.reason,
      ticket: input.ticket,
      sub: actor.sub,
    });
    const byClaims = await this.customerDeletionClaims(context);
    // A hard delete reads its target and its users' ids first, in one read: a DELETED one is purged
    // (DELETED → PURGED, SPEC "Lifecycle"); the users the transaction has no room for are the erasure step's.
    const hardRead = mode === 'hard' ? await this.deps.store.getCustomerWithUserIds(customerId) : undefined;
    const purgeable = hardRead?.customer;
    if (purgeable?.status === 'DELETED') return this.purge(customerId, input, 'now', purgeable, hardRead?.userIds);
    const eraseUserIds = hardRead?.userIds ?? [];
    const accessConstraint = byClaims.constraint;
    // A constraint that names the parent (a reseller: its own children) is the only parent the write
    // can succeed with, so it needs no read: the transaction's conditions check it. Other actors read
    // the target first (its parent's counter moves).
    let expectedParentId: string | null | undefined = accessConstraint.kind === 'parent-is' ? accessConstraint.accountId : undefined;
    let known: Awaited<ReturnType<DeletionStore['getCustomer']>>;
    return this.attempts(context, {
      prepare: async (stale) => {
        if (stale || expectedParentId === undefined) {
          known = !stale && purgeable ? purgeable : await this.deps.store.getCustomer(customerId);
          const refusal = customerDeletionRefusal(actor, known, mode);
          if (refusal) return { refusal };
          expectedParentId = known!.parentId;
        }
        const parentId = expectedParentId;
        return {
          recipient: known?.email ? { email: known.email, name: known.name ?? '' } : undefined,
          commit: (parts) => this.deps.store.commitCustomerDeletion({ ...parts, customerId, accessConstraint, expectedParentId: parentId, mode, eraseUserIds }),
        };
      },
      explain: (customer) => customerDeletionRefusal(actor, customer, mode),
    });
  }

  /**
   * The scheduled purge of one DELETED customer whose purge date has passed (SPEC "Lifecycle"), by the
   * retention actor: exactly as a purge now, with the policy's "due" constraint in the transaction.
   */
  async purgeDueCustomer(customerId: string, input: Omit<DeletionInput, 'mode' | 'idempotencyKey'>): Promise<DeletionReceipt> {
    return this.purge(customerId, { ...input, mode: 'hard', idempotencyKey: null }, 'due', undefined);
  }

  /**
   * DELETED → PURGED in one transaction, as a hard delete: the customer's and (as many as the
   * transaction holds) its users' personal fields erased, a PII-free tombstone, audit, request
   * (`customer.purge`: erasure and email), outbox, idempotency, the actor's standing. The notice goes
   * to the address read here. `known`: the customer as the caller just read it (purge now).
   */
  private async purge(customerId: string, input: DeletionInput, trigger: PurgeTrigger, known: CustomerState | undefined, knownUserIds?: string[]): Promise<DeletionReceipt> {
    const { actor } = input;
    // The same fingerprint as the v1 call that asked for it: a retried purge now replays its answer.
    const context = this.context(input, { type: 'customer', customerId }, 'customer.purge', 'customer.purged', {
      api: 'v1',
      customerId,
      mode: input.mode,
      reason: input.reason,
      ticket: input.ticket,
      sub: actor.sub,
    });
    const at = this.deps.clock.now().toISOString();
    const byClaims = decidePurgeByClaims(actor, trigger, at);
    if (!byClaims.allowed) return this.deny(context, byClaims.code, byClaims.message);
    if (!input.reason) {
      await this.refuseIfRevoked(context);
      throw new ValidationError('REASON_REQUIRED', 'A reason is required for mode=hard');
    }
    const accessConstraint = byClaims.constraint;
    const eraseUserIds = knownUserIds ?? (await this.deps.store.listUserIds(customerId));
    let target: (CustomerState & { name?: string; email?: string }) | undefined = known;
    let read = known !== undefined;
    return this.attempts(context, {
      prepare: async (stale) => {
        if (stale || !read) {
          target = await this.deps.store.getCustomer(customerId);
          read = true;
        }
        const refusal = purgeRefusal(actor, trigger, target, at);
        if (refusal) return { refusal };
        const current = target!;
        return {
          recipient: current.email ? { email: current.email, name: current.name ?? '' } : undefined,
          commit: (parts) => this.deps.store.commitCustomerPurge({ ...parts, customerId, accessConstraint, deleteRequestId: current.deleteRequestId ?? null, eraseUserIds }),
        };
      },
      explain: (customer) => purgeRefusal(actor, trigger, customer, at),
    });
  }

  /** v2: delete one user of a customer. Erases the user's personal fields; the cascade notifies them. */
  async deleteUser(customerId: string, userId: string, input: DeletionInput): Promise<DeletionReceipt> {
    const { actor } = input;
    const subject: Subject = { type: 'user', customerId, userId };
    const context = this.context(input, subject, 'user.delete', 'user.deleted', {
      api: 'v2',
      customerId,
      userId,
      reason: input.reason,
      ticket: input.ticket,
      sub: actor.sub,
    });
    const byClaims = decideUserDeletionByClaims(actor);
    if (!byClaims.allowed) return this.deny(context, byClaims.code, byClaims.message);
    const accessConstraint = byClaims.constraint;
    return this.attempts(context, {
      // The user is read every time: the notice needs its address, which this commit erases.
      prepare: async () => {
        const { customer, user } = await this.deps.store.getCustomerAndUser(customerId, userId);
        const refusal = userDeletionRefusal(actor, customer, user, customerId);
        if (refusal) return { refusal };
        return {
          recipient: user?.email ? { email: user.email, name: user.name ?? '' } : undefined,
          commit: (parts) => this.deps.store.commitUserDeletion({ ...parts, customerId, userId, accessConstraint }),
        };
      },
      explain: (customer, user) => userDeletionRefusal(actor, customer, user, customerId),
    });
  }

  /**
   * v1 dry run: the same authentication, authorization and refusals (403/404/409 with blockers) as
   * `deleteCustomer`, and what it would change; no state change, no request, no event. Audited as
   * DRY_RUN. An Idempotency-Key means nothing here: there is nothing to replay.
   */
  async previewCustomerDeletion(customerId: string, input: DeletionInput): Promise<DeletionPreview> {
    const { actor, mode } = input;
    const context = this.context({ ...input, idempotencyKey: null }, { type: 'customer', customerId }, 'customer.delete', 'customer.deleted', {});
    await this.customerDeletionClaims(context);
    return this.preview(context, async () => {
      const customer = await this.deps.store.getCustomer(customerId);
      // As the real call: a hard delete of a DELETED customer is a purge now, with its own rules
      // (which the purge's transaction checks by condition, this reads: the soft delete's request).
      if (mode === 'hard' && customer?.status === 'DELETED') {
        const inProgress = customer.deleteRequestId ? await this.deps.store.isRequestInProgress(customer.deleteRequestId) : false;
        return purgeRefusal(actor, 'now', { ...customer, deleteRequestInProgress: inProgress }, this.deps.clock.now().toISOString());
      }
      return customerDeletionRefusal(actor, customer, mode);
    });
  }

  /** v2 dry run: as `deleteUser` would decide, and what it would change. */
  async previewUserDeletion(customerId: string, userId: string, input: DeletionInput): Promise<DeletionPreview> {
    const { actor } = input;
    const context = this.context({ ...input, idempotencyKey: null }, { type: 'user', customerId, userId }, 'user.delete', 'user.deleted', {});
    const byClaims = decideUserDeletionByClaims(actor);
    if (!byClaims.allowed) return this.deny(context, byClaims.code, byClaims.message);
    return this.preview(context, async () => {
      const [customer, user] = await Promise.all([this.deps.store.getCustomer(customerId), this.deps.store.getUser(customerId, userId)]);
      return userDeletionRefusal(actor, customer, user, customerId);
    });
  }

  /** The claims-level part of a v1 decision, refusals first (401 before 403 before 400's reason rule). */
  private async customerDeletionClaims(context: DeletionContext) {
    const { actor, mode, reason } = context.input;
    const byClaims = decideCustomerDeletionByClaims(actor, mode);
    if (!byClaims.allowed) return this.deny(context, byClaims.code, byClaims.message);
    if (mode === 'hard' && !reason) {
      await this.refuseIfRevoked(context);
      throw new ValidationError('REASON_REQUIRED', 'A reason is required for mode=hard');
    }
    return byClaims;
  }

  /** A dry run's answer: with no transaction to carry the actor's standing, it is read first. */
  private async preview(context: DeletionContext, refusalNow: () => Promise<Refusal | undefined>): Promise<DeletionPreview> {
    await this.refuseIfRevoked(context);
    const refusal = await refusalNow();
    if (refusal) return this.explain(context, refusal);
    const impact = await this.deps.store.deletionImpact(context.subject);
    await this.deps.store.writeAudit(this.auditRecord(context, 'DRY_RUN'));
    // A soft delete would be kept until then: the date the real call would answer.
    const { purgeAfter } = this.newReceipt(context);
    return { dryRun: true, impact, ...(purgeAfter ? { purgeAfter } : {}) };
  }

  /**
   * The one attempt loop: prepare, commit, and settle the result. A contended write is tried again
   * after a short jittered pause; a refused write is explained from the state its conditions saw,
   * or, when that state allows the deletion (our view was stale), prepared again from a fresh read.
   */
  private async attempts(context: DeletionContext, plan: AttemptPlan): Promise<DeletionReceipt> {
    const maxAttempts = this.deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    let stale = false;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const prepared = await plan.prepare(stale);
      if ('refusal' in prepared) return this.refuse(context, prepared.refusal);
      const receipt = this.newReceipt(context);
      const result = await prepared.commit(this.commitParts(context, receipt, prepared.recipient));
      switch (result.kind) {
        case 'committed':
          return receipt;
        case 'replay':
          return this.replay(context, result.stored);
        case 'revoked':
          return this.revoked(context);
        case 'contended':
          stale = false;
          await this.sleep(5 + Math.random() * 20 * attempt);
          continue;
        case 'refused': {
          const refusal = plan.explain(result.customer, result.user);
          if (refusal) return this.refuse(context, refusal);
          stale = true;
          continue;
        }
      }
    }
    throw new DependencyUnavailableError('dynamodb-contention');
  }

  private context(
    input: DeletionInput,
    subject: Subject,
    requestType: RequestType,
    eventType: DeletionFact['eventType'],
    fingerprintParts: Record<string, string | null>,
  ): DeletionContext {
    // Only a soft delete of a customer is kept for a purge later (SPEC "Lifecycle").
    const retained = requestType === 'customer.delete' && input.mode === 'soft';
    return {
      input,
      subject,
      action: requestType,
      requestType,
      eventType,
      idempotency: this.idempotencyClaim(input, fingerprintParts),
      ...(retained ? { retentionSeconds: this.deps.retentionSeconds ?? DEFAULT_RETENTION_SECONDS } : {}),
    };
  }

  private newReceipt(context: DeletionContext): DeletionReceipt {
    const now = this.deps.clock.now();
    const receipt: DeletionReceipt = { requestId: this.deps.ids.newId(), deletedAt: now.toISOString() };
    if (context.retentionSeconds !== undefined) receipt.purgeAfter = new Date(now.getTime() + context.retentionSeconds * 1000).toISOString();
    return receipt;
  }

  private idempotencyClaim(input: DeletionInput, parts: Record<string, string | null>): IdempotencyClaim | undefined {
    if (!input.idempotencyKey) return undefined;
    const ttl = this.deps.idempotencyTtlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS;
    return {
      accountId: input.actor.accountId,
      key: input.idempotencyKey,
      fingerprint: requestFingerprint(parts),
      expiresAtEpochSeconds: Math.floor(this.deps.clock.now().getTime() / 1000) + ttl,
    };
  }

  /** What every deletion commits besides its target: the request, its audit record, the fact for the cascade, the key. */
  private commitParts(context: DeletionContext, receipt: DeletionReceipt, recipient: DeletionFact['recipient']): DeletionCommit {
    const { input, subject } = context;
    const { actor, mode, reason, ticket } = input;
    const at = receipt.deletedAt;
    const actorRef = { sub: actor.sub, role: actor.role, accountId: actor.accountId };
    return {
      request: {
        requestId: receipt.requestId,
        type: context.requestType,
        subject,
        actor: actorRef,
        ...(reason ? { reason } : {}),
        ...(ticket ? { ticket } : {}),
        mode,
        status: 'IN_PROGRESS',
        createdAt: at,
        updatedAt: at,
      },
      audit: this.auditRecord(context, 'ALLOWED', undefined, receipt.requestId),
      fact: {
        eventType: context.eventType,
        requestId: receipt.requestId,
        occurredAt: at,
        subject,
        actor: actorRef,
        mode,
        reason,
        ...(recipient ? { recipient } : {}),
      },
      receipt,
      ...(context.idempotency ? { idempotency: context.idempotency } : {}),
    };
  }

  private replay(context: DeletionContext, stored: StoredIdempotency): DeletionReceipt {
    if (!context.idempotency || stored.fingerprint !== context.idempotency.fingerprint) throw new IdempotencyKeyReuseError();
    return stored.receipt;
  }

  /** Audits a refusal and throws the matching error; a key already used successfully replays instead. */
  /**
   * Which answer wins (SPEC): a revoked token is a 401 before any 400, 403, 404 or 409. A refusal
   * decided outside the transaction (whose own conditions include the actor's standing) asks first.
   */
  private async refuseIfRevoked(context: DeletionContext): Promise<void> {
    if (await this.deps.standing.isRevoked(context.input.actor)) await this.revoked(context);
  }

  private async revoked(context: DeletionContext): Promise<never> {
    await this.audit(context, 'DENIED', 'TOKEN_REVOKED');
    throw new TokenRevokedError();
  }

  private async deny(context: DeletionContext, code: string, message: string): Promise<never> {
    await this.refuseIfRevoked(context);
    await this.audit(context, 'DENIED', code);
    throw new ForbiddenError(code, message);
  }

  private async refuse(context: DeletionContext, refusal: Refusal): Promise<DeletionReceipt> {
    await this.refuseIfRevoked(context);
    if (context.idempotency) {
      // A retry of a request that already succeeded finds the target gone: answer as the first time.
      const stored = await this.deps.store.getIdempotency(context.idempotency.accountId, context.idempotency.key);
      if (stored) return this.replay(context, stored);
    }
    return this.explain(context, refusal);
  }

  /** Audits a refusal and throws its error: 404, 403, or 409 with its bounded blockers. */
  private async explain(context: DeletionContext, refusal: Refusal): Promise<never> {
    switch (refusal.outcome) {
      case 'NOT_FOUND':
        await this.audit(context, 'NOT_FOUND', `${refusal.kind.toUpperCase()}_NOT_FOUND`);
        throw new NotFoundError(refusal.kind);
      case 'DENIED':
        await this.audit(context, 'DENIED', refusal.code);
        throw new ForbiddenError(refusal.code, refusal.message);
      case 'CONFLICT': {
        const live = refusal.liveChildren > 0 ? await this.deps.store.liveSubCustomerIds(context.subject.customerId, subCustomerRoom(refusal)) : [];
        await this.audit(context, 'CONFLICT', 'DELETION_BLOCKED');
        const { blockers, total } = blockersFor(refusal, live);
        throw new ConflictError(blockers, total);
      }
      case 'BUSY':
        await this.audit(context, 'CONFLICT', refusal.code);
        throw new StateConflictError(refusal.code, refusal.message);
    }
  }

  private auditRecord(context: DeletionContext, outcome: AuditOutcome, detail?: string, requestId?: string): AuditRecord {
    const { input } = context;
    return {
      auditId: this.deps.ids.newId(),
      at: this.deps.clock.now().toISOString(),
      actor: { sub: input.actor.sub, role: input.actor.role, accountId: input.actor.accountId },
      target: context.subject,
      action: context.action,
      mode: input.mode,
      reason: input.reason,
      ticket: input.ticket,
      outcome,
      ...(detail ? { detail } : {}),
      ...(requestId ? { requestId } : {}),
      correlationId: input.correlationId,
    };
  }

  private async audit(context: DeletionContext, outcome: AuditOutcome, detail: string): Promise<void> {
    await this.deps.store.writeAudit(this.auditRecord(context, outcome, detail));
  }
}
