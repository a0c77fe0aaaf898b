import { createHash } from 'node:crypto';
import { queues } from '../../infra/catalog';
import { decideCustomerDeletionByClaims, decideUserDeletionByClaims } from './authorization';
import type {
  AuditOutcome,
  AuditRecord,
  Clock,
  CommitResult,
  DeletionInput,
  DeletionReceipt,
  DeletionStore,
  IdGenerator,
  IdempotencyClaim,
  OutboxEvent,
  StoredIdempotency,
} from './deletion-ports';
import { blockersFor, customerDeletionRefusal, initialSteps, userDeletionRefusal, type CustomerState, type Refusal } from './deletion-rules';
import {
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  IdempotencyKeyReuseError,
  NotFoundError,
  ValidationError,
} from './errors';
import type { DeletionRequest, Subject } from './model';

/**
 * The deletion core: one state machine for v1 (a customer) and v2 (a user of a customer).
 * It decides, plans the one atomic commit (state change, audit, request, outbox, idempotency),
 * and explains refusals. It talks only through the ports it is given.
 */

export interface DeletionDeps {
  store: DeletionStore;
  clock: Clock;
  ids: IdGenerator;
  /** How long an Idempotency-Key is remembered. */
  idempotencyTtlSeconds?: number;
  /** Attempts when concurrent transactions collide on the same items. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export function requestFingerprint(parts: Record<string, string | null>): string {
  const canonical = JSON.stringify(Object.keys(parts).sort().map((k) => [k, parts[k]]));
  return createHash('sha256').update(canonical).digest('hex');
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
    const byClaims = decideCustomerDeletionByClaims(actor, mode);
    if (!byClaims.allowed) {
      await this.audit(input, subject, 'customer.delete', 'DENIED', byClaims.code);
      throw new ForbiddenError(byClaims.code, byClaims.message);
    }
    if (mode === 'hard' && !input.reason) throw new ValidationError('REASON_REQUIRED', 'A reason is required for mode=hard');

    const idempotency = this.idempotencyClaim(input, { api: 'v1', customerId, mode, reason: input.reason, ticket: input.ticket, sub: actor.sub });
    // A reseller can only delete its own children, so its view of the parent needs no read:
    // the transaction's condition checks it. Other roles read the target first.
    let known: (CustomerState & { name?: string; email?: string }) | undefined;
    let expectedParentId: string | null | undefined = actor.role === 'RESALE' && mode === 'soft' ? actor.accountId : undefined;

    // Listed once: users of a purged customer that this write cannot reach are the cascade's to erase.
    const eraseUserIds = mode === 'hard' ? await this.deps.store.listUserIds(customerId) : [];
    const maxAttempts = this.deps.maxAttempts ?? 6;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (expectedParentId === undefined) {
        known = await this.deps.store.getCustomer(customerId);
        const refusal = customerDeletionRefusal(actor, known, mode);
        if (refusal) return this.refuse(refusal, input, subject, 'customer.delete', customerId, idempotency);
        expectedParentId = known!.parentId;
      }
      const receipt = this.newReceipt();
      const recipient = known?.email ? { email: known.email, name: known.name ?? '' } : undefined;
      const result = await this.deps.store.commitCustomerDeletion({
        customerId,
        expectedParentId,
        mode,
        eraseUserIds,
        ...this.commitParts(input, subject, 'customer.deleted', 'customer.delete', receipt, idempotency, recipient),
      });
      const outcome = await this.settle(result, input, subject, 'customer.delete', customerId, idempotency, receipt, (customer) =>
        customerDeletionRefusal(actor, customer, mode),
      );
      if (outcome === 'retry-contended') {
        await this.sleep(5 + Math.random() * 20 * attempt);
        continue;
      }
      if (outcome === 'retry-stale') {
        // The target changed between our view and the write (e.g. re-parented): look again.
        expectedParentId = undefined;
        continue;
      }
      return outcome;
    }
    throw new DependencyUnavailableError('dynamodb-contention');
  }

  /** v2: delete one user of a customer. Erases the user's personal fields; the cascade notifies them. */
  async deleteUser(customerId: string, userId: string, input: DeletionInput): Promise<DeletionReceipt> {
    const { actor } = input;
    const subject: Subject = { type: 'user', customerId, userId };
    const byClaims = decideUserDeletionByClaims(actor);
    if (!byClaims.allowed) {
      await this.audit(input, subject, 'user.delete', 'DENIED', byClaims.code);
      throw new ForbiddenError(byClaims.code, byClaims.message);
    }
    const idempotency = this.idempotencyClaim(input, { api: 'v2', customerId, userId, reason: input.reason, ticket: input.ticket, sub: actor.sub });
    const maxAttempts = this.deps.maxAttempts ?? 6;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      // The user is read first: the notice needs its address, which this commit erases.
      const [customer, user] = await Promise.all([this.deps.store.getCustomer(customerId), this.deps.store.getUser(customerId, userId)]);
      const refusal = userDeletionRefusal(actor, customer, user, customerId);
      if (refusal) return this.refuse(refusal, input, subject, 'user.delete', customerId, idempotency);
      const receipt = this.newReceipt();
      const recipient = user?.email ? { email: user.email, name: user.name ?? '' } : undefined;
      const result = await this.deps.store.commitUserDeletion({
        customerId,
        userId,
        ...this.commitParts(input, subject, 'user.deleted', 'user.delete', receipt, idempotency, recipient),
      });
      const outcome = await this.settle(result, input, subject, 'user.delete', customerId, idempotency, receipt, (c, u) =>
        userDeletionRefusal(actor, c, u, customerId),
      );
      if (outcome === 'retry-contended') {
        await this.sleep(5 + Math.random() * 20 * attempt);
        continue;
      }
      if (outcome === 'retry-stale') continue;
      return outcome;
    }
    throw new DependencyUnavailableError('dynamodb-contention');
  }

  private newReceipt(): DeletionReceipt {
    return { requestId: this.deps.ids.newId(), deletedAt: this.deps.clock.now().toISOString() };
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

  private commitParts(
    input: DeletionInput,
    subject: Subject,
    eventType: OutboxEvent['event']['eventType'],
    action: AuditRecord['action'],
    receipt: DeletionReceipt,
    idempotency: IdempotencyClaim | undefined,
    recipient: { email: string; name: string } | undefined,
  ) {
    const { actor, mode, reason, ticket } = input;
    const at = receipt.deletedAt;
    const actorRef = { sub: actor.sub, role: actor.role, accountId: actor.accountId };
    const request: DeletionRequest = {
      requestId: receipt.requestId,
      subject,
      actor: actorRef,
      ...(reason ? { reason } : {}),
      ...(ticket ? { ticket } : {}),
      mode,
      status: 'IN_PROGRESS',
      steps: initialSteps(at),
      createdAt: at,
      updatedAt: at,
    };
    // One event per consumer queue in the catalog: a queue added there gets its event here.
    const events: OutboxEvent[] = queues.map(({ id: queue }) => ({
      queue,
      event: {
        eventId: this.deps.ids.newId(),
        eventType,
        eventVersion: 1 as const,
        occurredAt: at,
        requestId: receipt.requestId,
        subject,
        actor: actorRef,
        mode,
        reason,
        ...(queue === 'send-email' && recipient ? { recipient } : {}),
      },
    }));
    const audit = this.auditRecord(input, subject, action, 'ALLOWED', undefined, receipt.requestId);
    return { request, audit, events, receipt, ...(idempotency ? { idempotency } : {}) };
  }

  /** Turns a commit result into the answer, or says to try again. */
  private async settle(
    result: CommitResult,
    input: DeletionInput,
    subject: Subject,
    action: AuditRecord['action'],
    customerId: string,
    idempotency: IdempotencyClaim | undefined,
    receipt: DeletionReceipt,
    explain: (customer: CustomerState | undefined, user: Parameters<typeof userDeletionRefusal>[2]) => Refusal | undefined,
  ): Promise<DeletionReceipt | 'retry-contended' | 'retry-stale'> {
    switch (result.kind) {
      case 'committed':
        return receipt;
      case 'replay':
        return this.replay(result.stored, idempotency);
      case 'contended':
        return 'retry-contended';
      case 'refused': {
        const refusal = explain(result.customer, result.user);
        if (!refusal) return 'retry-stale';
        return this.refuse(refusal, input, subject, action, customerId, idempotency);
      }
    }
  }

  private replay(stored: StoredIdempotency, idempotency: IdempotencyClaim | undefined): DeletionReceipt {
    if (!idempotency || stored.fingerprint !== idempotency.fingerprint) throw new IdempotencyKeyReuseError();
    return stored.receipt;
  }

  /** Audits a refusal and throws the matching error; a key already used successfully replays instead. */
  private async refuse(
    refusal: Refusal,
    input: DeletionInput,
    subject: Subject,
    action: AuditRecord['action'],
    customerId: string,
    idempotency: IdempotencyClaim | undefined,
  ): Promise<DeletionReceipt> {
    if (idempotency) {
      // A retry of a request that already succeeded finds the target gone: answer as the first time.
      const stored = await this.deps.store.getIdempotency(idempotency.accountId, idempotency.key);
      if (stored) return this.replay(stored, idempotency);
    }
    switch (refusal.outcome) {
      case 'NOT_FOUND':
        await this.audit(input, subject, action, 'NOT_FOUND', `${refusal.kind.toUpperCase()}_NOT_FOUND`);
        throw new NotFoundError(refusal.kind);
      case 'DENIED':
        await this.audit(input, subject, action, 'DENIED', refusal.code);
        throw new ForbiddenError(refusal.code, refusal.message);
      case 'CONFLICT': {
        const live = refusal.liveChildren > 0 ? await this.deps.store.liveSubCustomerIds(customerId) : [];
        await this.audit(input, subject, action, 'CONFLICT', 'DELETION_BLOCKED');
        throw new ConflictError(blockersFor(refusal, live));
      }
    }
  }

  private auditRecord(
    input: DeletionInput,
    target: Subject,
    action: AuditRecord['action'],
    outcome: AuditOutcome,
    detail?: string,
    requestId?: string,
  ): AuditRecord {
    return {
      auditId: this.deps.ids.newId(),
      at: this.deps.clock.now().toISOString(),
      actor: { sub: input.actor.sub, role: input.actor.role, accountId: input.actor.accountId },
      target,
      action,
      mode: input.mode,
      reason: input.reason,
      ticket: input.ticket,
      outcome,
      ...(detail ? { detail } : {}),
      ...(requestId ? { requestId } : {}),
      correlationId: input.correlationId,
    };
  }

  private async audit(input: DeletionInput, target: Subject, action: AuditRecord['action'], outcome: AuditOutcome, detail: string): Promise<void> {
    await this.deps.store.writeAudit(this.auditRecord(input, target, action, outcome, detail));
  }
}

