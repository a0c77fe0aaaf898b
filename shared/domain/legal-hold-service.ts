import type { ActorStanding } from './actor-standing';
import { decideLegalHold } from './authorization';
import type { AuditAction, AuditOutcome, AuditRecord, Clock, IdGenerator } from './deletion-ports';
import { DependencyUnavailableError, ForbiddenError, TokenRevokedError } from './errors';
import type { HoldChange, LegalHold, LifecycleStore } from './lifecycle-ports';
import { legalHoldRefusal, refusalAudit, refusalError, type LifecycleRefusal } from './lifecycle-rules';
import type { Actor } from './model';

/**
 * Legal hold (SPEC "Lifecycle"): an ADMIN with `customers:hold` places a hold on a customer (again:
 * its reason and ticket are replaced) or releases it. The hold is the customer item's `legalHold`
 * attribute, written in one transaction with its audit record and the actor's standing; while it
 * is there, the customer cannot be hard-deleted or purged. A held customer can still be
 * soft-deleted and restored.
 */

export interface LifecycleDeps {
  store: LifecycleStore;
  /** Whether the actor was cut off by a deletion: asked only on the way to a refusal (401 wins). */
  standing: ActorStanding;
  clock: Clock;
  ids: IdGenerator;
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface LifecycleInput {
  actor: Actor;
  reason: string | null;
  ticket: string | null;
  correlationId: string;
}

const DEFAULT_MAX_ATTEMPTS = 6;

/** What a lifecycle action audits about itself; the outcome and detail are added per record. */
export interface AuditContext {
  customerId: string;
  action: AuditAction;
  input: LifecycleInput;
}

/** The audit record of a lifecycle action (no mode for a legal hold; a restore's request has its own). */
export function lifecycleAudit(deps: Pick<LifecycleDeps, 'clock' | 'ids'>, context: AuditContext, outcome: AuditOutcome, detail?: string, requestId?: string): AuditRecord {
  const { actor, reason, ticket, correlationId } = context.input;
  return {
    auditId: deps.ids.newId(),
    at: deps.clock.now().toISOString(),
    actor: { sub: actor.sub, role: actor.role, accountId: actor.accountId },
    target: { type: 'customer', customerId: context.customerId },
    action: context.action,
    reason,
    ticket,
    outcome,
    ...(detail ? { detail } : {}),
    ...(requestId ? { requestId } : {}),
    correlationId,
  };
}

/** Refusals shared by the lifecycle services: revocation first (401 wins), then the audit, then the error. */
export class LifecycleRefusals {
  constructor(private readonly deps: Pick<LifecycleDeps, 'store' | 'standing' | 'clock' | 'ids'>) {}

  async revoked(context: AuditContext): Promise<never> {
    await this.deps.store.writeAudit(lifecycleAudit(this.deps, context, 'DENIED', 'TOKEN_REVOKED'));
    throw new TokenRevokedError();
  }

  /** A refusal decided outside the transaction (whose conditions include the actor's standing) asks for the standing first. */
  async refuse(context: AuditContext, refusal: LifecycleRefusal): Promise<never> {
    if (await this.deps.standing.isRevoked(context.input.actor)) await this.revoked(context);
    const { outcome, detail } = refusalAudit(refusal);
    await this.deps.store.writeAudit(lifecycleAudit(this.deps, context, outcome, detail));
    throw refusalError(refusal);
  }
}

/** What the lifecycle's services share: their ports, the refusals' audit and answer, and the pause between contended attempts. */
/** One attempt of a lifecycle change: done, or why not (a refusal to explain, or none: try again from a fresh read). */
export type LifecycleAttempt<T> = { kind: 'done'; value: T } | { kind: 'revoked' } | { kind: 'contended' } | { kind: 'refused'; refusal: LifecycleRefusal | undefined };

export abstract class LifecycleService {
  protected readonly refusals: LifecycleRefusals;
  protected readonly sleep: (ms: number) => Promise<void>;

  constructor(protected readonly deps: LifecycleDeps) {
    this.refusals = new LifecycleRefusals(deps);
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** A refusal by the claims: a revoked actor is a 401 first, then the 403 is audited and thrown. */
  protected async deny(context: AuditContext, code: string, message: string): Promise<never> {
    if (await this.deps.standing.isRevoked(context.input.actor)) await this.refusals.revoked(context);
    await this.deps.store.writeAudit(lifecycleAudit(this.deps, context, 'DENIED', code));
    throw new ForbiddenError(code, message);
  }

  /**
   * The lifecycle's attempt loop (the deletion core has the same shape): a contended commit is tried
   * again after a short jittered pause; a refused one is explained, or tried again when the state it
   * saw allows the change (our view was stale); a revoked actor is a 401.
   */
  protected async attempts<T>(context: AuditContext, attempt: () => Promise<LifecycleAttempt<T>>): Promise<T> {
    const maxAttempts = this.deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let n = 1; n <= maxAttempts; n += 1) {
      const result = await attempt();
      switch (result.kind) {
        case 'done':
          return result.value;
        case 'revoked':
          return this.refusals.revoked(context);
        case 'contended':
          await this.sleep(5 + Math.random() * 20 * n);
          continue;
        case 'refused':
          if (result.refusal) return this.refusals.refuse(context, result.refusal);
          continue;
      }
    }
    throw new DependencyUnavailableError('dynamodb-contention');
  }
}

export class LegalHoldService extends LifecycleService {

  /** Places a hold (or replaces the reason and ticket of the one there). The route has checked that a reason is given. */
  async place(customerId: string, input: LifecycleInput & { reason: string }): Promise<LegalHold> {
    const hold: LegalHold = {
      placedAt: this.deps.clock.now().toISOString(),
      placedBy: input.actor.sub,
      reason: input.reason,
      ...(input.ticket ? { ticket: input.ticket } : {}),
    };
    await this.change(customerId, input, { kind: 'place', hold }, 'legal-hold.place');
    return hold;
  }

  async release(customerId: string, input: LifecycleInput): Promise<void> {
    await this.change(customerId, input, { kind: 'release' }, 'legal-hold.release');
  }

  /** No read before the write: its conditions decide (404, 410, 409 NO_LEGAL_HOLD), explained from the item they saw. */
  private async change(customerId: string, input: LifecycleInput, change: HoldChange, action: AuditAction): Promise<void> {
    const context: AuditContext = { customerId, action, input };
    const decision = decideLegalHold(input.actor);
    if (!decision.allowed) return this.deny(context, decision.code, decision.message);
    return this.attempts(context, async () => {
      const result = await this.deps.store.commitLegalHold({ customerId, change, audit: lifecycleAudit(this.deps, context, 'ALLOWED'), actor: input.actor });
      if (result.kind === 'committed') return { kind: 'done', value: undefined };
      if (result.kind === 'refused') return { kind: 'refused', refusal: legalHoldRefusal(result.customer, change.kind) };
      return result;
    });
  }
}
