import { decideCustomerDeletion, decideUserDeletion } from './authorization';
import type { Blocker } from './errors';
import type { Actor, CustomerStatus, DeletionMode } from './model';

/** What the deletion rules need to know of a customer (the store's view of the item). */
export interface CustomerState {
  id: string;
  parentId: string | null;
  status: CustomerStatus;
  activeSubscriptions: number;
  /** Sub-customers not yet deleted. */
  liveChildren: number;
  /** A legal hold is placed: no hard delete or purge while it stands. */
  onLegalHold?: boolean;
  /** A DELETED customer's soft delete (its request) and purge date: a purge waits for that request, and is due after that date. */
  deleteRequestId?: string;
  purgeAfter?: string;
  /** Seen by a refused purge: the soft delete's own request is still IN_PROGRESS (its e-mail step may still need the address). */
  deleteRequestInProgress?: boolean;
}

export interface UserState {
  id: string;
  customerId: string;
  status: 'ACTIVE' | 'DELETED';
}

export type Refusal =
  | { outcome: 'NOT_FOUND'; kind: 'customer' | 'user' }
  | { outcome: 'DENIED'; code: string; message: string }
  | { outcome: 'CONFLICT'; activeSubscriptions: number; liveChildren: number; onLegalHold?: boolean }
  /** Not now, but soon by itself (a purge waiting for the soft delete's request): a 409 with this code, no blockers. */
  | { outcome: 'BUSY'; code: string; message: string };

/**
 * Why a customer may not be deleted now, or undefined if it may. The store's transaction enforces
 * the same conditions atomically; this function explains a refused transaction (from the item
 * returned with the failed condition) in the order a caller should hear it: 404, then 403, then 409.
 */
export function customerDeletionRefusal(actor: Actor, customer: CustomerState | undefined, mode: DeletionMode): Refusal | undefined {
  if (!customer || customer.status !== 'ACTIVE') return { outcome: 'NOT_FOUND', kind: 'customer' };
  const decision = decideCustomerDeletion(actor, customer, mode);
  if (!decision.allowed) return { outcome: 'DENIED', code: decision.code, message: decision.message };
  // A legal hold blocks a hard delete (a purge), not a soft delete.
  const held = mode === 'hard' && customer.onLegalHold === true;
  if (customer.activeSubscriptions > 0 || customer.liveChildren > 0 || held) {
    return { outcome: 'CONFLICT', activeSubscriptions: customer.activeSubscriptions, liveChildren: customer.liveChildren, ...(held ? { onLegalHold: true } : {}) };
  }
  return undefined;
}

/** v2: why a user may not be deleted now. A user found under another customer is "not found" here. */
export function userDeletionRefusal(
  actor: Actor,
  customer: CustomerState | undefined,
  user: UserState | undefined,
  customerIdInPath: string,
): Refusal | undefined {
  if (!customer || customer.status !== 'ACTIVE') return { outcome: 'NOT_FOUND', kind: 'customer' };
  const decision = decideUserDeletion(actor, customer);
  if (!decision.allowed) return { outcome: 'DENIED', code: decision.code, message: decision.message };
  if (!user || user.customerId !== customerIdInPath || user.status !== 'ACTIVE') return { outcome: 'NOT_FOUND', kind: 'user' };
  return undefined;
}

/** A 409 lists at most this many blockers; `blockersTotal` counts them all. */
export const MAX_BLOCKERS = 100;

/** Blockers that are not sub-customers: known from the customer item alone. */
function ownBlockers(customer: { activeSubscriptions: number; onLegalHold?: boolean }): Blocker[] {
  const blockers: Blocker[] = [];
  if (customer.onLegalHold) blockers.push({ type: 'legalHold', detail: 'a legal hold is placed on the customer' });
  if (customer.activeSubscriptions > 0) {
    blockers.push({ type: 'activeSubscription', id: 'subscriptions', detail: `${customer.activeSubscriptions} active subscription(s)` });
  }
  return blockers;
}

/** How many live sub-customers a 409 may still name after the customer's own blockers. */
export function subCustomerRoom(customer: { activeSubscriptions: number; onLegalHold?: boolean }): number {
  return MAX_BLOCKERS - ownBlockers(customer).length;
}

/**
 * The 409 body (SPEC "Blockers"): what stands in the way, most actionable first, at most
 * MAX_BLOCKERS of them; and their total = (1 if held) + (1 if active subscriptions) + live
 * sub-customers, the last from the customer's own counter, so no unbounded read answers it.
 */
export function blockersFor(
  customer: { activeSubscriptions: number; liveChildren: number; onLegalHold?: boolean },
  liveSubCustomerIds: readonly string[],
): { blockers: Blocker[]; total: number } {
  const own = ownBlockers(customer);
  const children = liveSubCustomerIds.slice(0, MAX_BLOCKERS - own.length).map((id): Blocker => ({ type: 'subCustomer', id, detail: 'sub-customer is not deleted' }));
  return { blockers: [...own, ...children], total: own.length + customer.liveChildren };
}
