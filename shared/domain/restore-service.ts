import { decideCustomerRestoreByClaims } from './authorization';
import type { DeletionFact } from './deletion-ports';
import { DependencyUnavailableError, ForbiddenError } from './errors';
import { LifecycleRefusals, lifecycleAudit, type AuditContext, type LifecycleDeps, type LifecycleInput } from './legal-hold-service';
import { restoreRefusal } from './lifecycle-rules';
import type { Subject } from './model';

/**
 * Restore (SPEC "Lifecycle"): a soft-deleted customer back to ACTIVE, in one atomic write with
 * `purgeAfter` (and its purge-index marks) gone, its parent's live-children count back up (the
 * parent must be ACTIVE), its place in the children index back, the audit record, a request of type
 * `customer.restore` and its outbox events (steps identity and email: logins enabled again, a
 * "restored" notice). Devices and sessions stay revoked and terminated. A purge of the same customer
 * is conditional on DELETED too, so of a concurrent restore and purge exactly one wins.
 */

export interface RestoreReceipt {
  requestId: string;
  restoredAt: string;
}

const ACTION = 'customer.restore';

export class RestoreService {
  private readonly refusals: LifecycleRefusals;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: LifecycleDeps) {
    this.refusals = new LifecycleRefusals(deps);
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async restoreCustomer(customerId: string, input: LifecycleInput): Promise<RestoreReceipt> {
    const { actor } = input;
    const context: AuditContext = { customerId, action: ACTION, input };
    const byClaims = decideCustomerRestoreByClaims(actor);
    if (!byClaims.allowed) {
      if (await this.deps.standing.isRevoked(actor)) await this.refusals.revoked(context);
      await this.deps.store.writeAudit(lifecycleAudit(this.deps, context, 'DENIED', byClaims.code));
      throw new ForbiddenError(byClaims.code, byClaims.message);
    }
    const subject: Subject = { type: 'customer', customerId };
    const actorRef = { sub: actor.sub, role: actor.role, accountId: actor.accountId };
    const maxAttempts = this.deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      // Read first: the parent whose counter moves, and the address the "restored" notice goes to.
      const customer = await this.deps.store.getCustomer(customerId);
      const refusal = restoreRefusal(actor, customer, undefined);
      if (refusal) return this.refusals.refuse(context, refusal);
      const receipt: RestoreReceipt = { requestId: this.deps.ids.newId(), restoredAt: this.deps.clock.now().toISOString() };
      const at = receipt.restoredAt;
      const recipient: DeletionFact['recipient'] = customer?.email ? { email: customer.email, name: customer.name ?? '' } : undefined;
      const result = await this.deps.store.commitRestore({
        customerId,
        accessConstraint: byClaims.constraint,
        expectedParentId: customer!.parentId,
        request: {
          requestId: receipt.requestId,
          type: ACTION,
          subject,
          actor: actorRef,
          ...(input.reason ? { reason: input.reason } : {}),
          ...(input.ticket ? { ticket: input.ticket } : {}),
          mode: 'soft',
          status: 'IN_PROGRESS',
          createdAt: at,
          updatedAt: at,
        },
        audit: lifecycleAudit(this.deps, context, 'ALLOWED', undefined, receipt.requestId),
        fact: {
          eventType: 'customer.restored',
          requestId: receipt.requestId,
          occurredAt: at,
          subject,
          actor: actorRef,
          mode: 'soft',
          reason: input.reason,
          ...(recipient ? { recipient } : {}),
        },
        receipt: { requestId: receipt.requestId, deletedAt: at },
      });
      switch (result.kind) {
        case 'committed':
          return receipt;
        case 'revoked':
          return this.refusals.revoked(context);
        case 'contended':
          await this.sleep(5 + Math.random() * 20 * attempt);
          continue;
        case 'refused': {
          // The write saw another state: explain it (the parent included), or try again from a fresh read.
          const explained = restoreRefusal(actor, result.customer, { known: result.parent });
          if (explained) return this.refusals.refuse(context, explained);
          continue;
        }
      }
    }
    throw new DependencyUnavailableError('dynamodb-contention');
  }
}

const DEFAULT_MAX_ATTEMPTS = 6;
