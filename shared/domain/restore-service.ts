import { decideCustomerRestoreByClaims } from './authorization';
import type { DeletionFact } from './deletion-ports';
import { lifecycleAudit, LifecycleService, type AuditContext, type LifecycleInput } from './legal-hold-service';
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

export class RestoreService extends LifecycleService {

  async restoreCustomer(customerId: string, input: LifecycleInput): Promise<RestoreReceipt> {
    const { actor } = input;
    const context: AuditContext = { customerId, action: ACTION, input };
    const byClaims = decideCustomerRestoreByClaims(actor);
    if (!byClaims.allowed) return this.deny(context, byClaims.code, byClaims.message);
    const subject: Subject = { type: 'customer', customerId };
    const actorRef = { sub: actor.sub, role: actor.role, accountId: actor.accountId };
    return this.attempts(context, async () => {
      // Read first: the parent whose counter moves, and the address the "restored" notice goes to.
      const customer = await this.deps.store.getCustomer(customerId);
      const refusal = restoreRefusal(actor, customer, undefined);
      if (refusal) return { kind: 'refused', refusal };
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
      if (result.kind === 'committed') return { kind: 'done', value: receipt };
      // The write saw another state: explain it (the parent included), or try again from a fresh read.
      if (result.kind === 'refused') return { kind: 'refused', refusal: restoreRefusal(actor, result.customer, { known: result.parent }) };
      return result;
    });
  }
}

