import { decideCustomerRestore } from './authorization';
import type { AuditOutcome } from './deletion-ports';
import { ForbiddenError, GoneError, NotFoundError, StateConflictError, type DomainError } from './errors';
import type { HoldChange, LifecycleCustomer } from './lifecycle-ports';
import type { Actor } from './model';

/**
 * Why a restore, or a legal hold's placing or release, may not happen now: pure, in the order a
 * caller should hear it (SPEC "Which answer wins": 404, then 403, then 409 / 410). The store's
 * transaction enforces the same conditions; these explain a refused one from the state it saw.
 */

export type LifecycleRefusal =
  | { outcome: 'NOT_FOUND' }
  | { outcome: 'DENIED'; code: string; message: string }
  | { outcome: 'CONFLICT'; code: 'NOT_DELETED' | 'PARENT_NOT_ACTIVE' | 'NO_LEGAL_HOLD'; message: string }
  | { outcome: 'GONE'; code: 'PURGED'; message: string };

const PURGED: Extract<LifecycleRefusal, { outcome: 'GONE' }> = { outcome: 'GONE', code: 'PURGED', message: 'Customer was purged; it can no longer be restored or held' };

/**
 * A restore. `parent` is asked about only when given (after a refused write, which read it): the
 * parent must be ACTIVE, since a customer under a deleted parent would be live under a dead one.
 */
export function restoreRefusal(
  actor: Actor,
  customer: LifecycleCustomer | undefined,
  parent?: { known: LifecycleCustomer | undefined },
): LifecycleRefusal | undefined {
  if (!customer) return { outcome: 'NOT_FOUND' };
  const decision = decideCustomerRestore(actor, customer);
  if (!decision.allowed) return { outcome: 'DENIED', code: decision.code, message: decision.message };
  if (customer.status === 'ACTIVE') return { outcome: 'CONFLICT', code: 'NOT_DELETED', message: 'Customer is not deleted' };
  if (customer.status === 'PURGED') return { ...PURGED, message: 'Customer was purged; it can no longer be restored' };
  if (parent && customer.parentId !== null && parent.known?.status !== 'ACTIVE') {
    return { outcome: 'CONFLICT', code: 'PARENT_NOT_ACTIVE', message: `Parent customer ${customer.parentId} is not active; restore it first` };
  }
  return undefined;
}

/** Placing or releasing a legal hold (the actor is already allowed: ADMIN, any customer). */
export function legalHoldRefusal(customer: LifecycleCustomer | undefined, change: HoldChange['kind']): LifecycleRefusal | undefined {
  if (!customer) return { outcome: 'NOT_FOUND' };
  if (customer.status === 'PURGED') return PURGED;
  if (change === 'release' && !customer.legalHold) return { outcome: 'CONFLICT', code: 'NO_LEGAL_HOLD', message: 'Customer has no legal hold' };
  return undefined;
}

/** The error a refusal is answered with: 404 CUSTOMER_NOT_FOUND, 403, 409 with its code, 410 PURGED. */
export function refusalError(refusal: LifecycleRefusal): DomainError {
  switch (refusal.outcome) {
    case 'NOT_FOUND':
      return new NotFoundError('customer');
    case 'DENIED':
      return new ForbiddenError(refusal.code, refusal.message);
    case 'CONFLICT':
      return new StateConflictError(refusal.code, refusal.message);
    case 'GONE':
      return new GoneError(refusal.code, refusal.message);
  }
}

/** How a refusal is audited: its outcome and detail. */
export function refusalAudit(refusal: LifecycleRefusal): { outcome: AuditOutcome; detail: string } {
  switch (refusal.outcome) {
    case 'NOT_FOUND':
      return { outcome: 'NOT_FOUND', detail: 'CUSTOMER_NOT_FOUND' };
    case 'DENIED':
      return { outcome: 'DENIED', detail: refusal.code };
    case 'CONFLICT':
    case 'GONE':
      return { outcome: 'CONFLICT', detail: refusal.code };
  }
}
