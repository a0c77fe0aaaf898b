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
}

export interface UserState {
  id: string;
  customerId: string;
  status: 'ACTIVE' | 'DELETED';
}

export type Refusal =
  | { outcome: 'NOT_FOUND'; kind: 'customer' | 'user' }
  | { outcome: 'DENIED'; code: string; message: string }
  | { outcome: 'CONFLICT'; activeSubscriptions: number; liveChildren: number };

/**
 * Why a customer may not be deleted now, or undefined if it may. The store's transaction enforces
 * the same conditions atomically; this function explains a refused transaction (from the item
 * returned with the failed condition) in the order a caller should hear it: 404, then 403, then 409.
 */
export function customerDeletionRefusal(actor: Actor, customer: CustomerState | undefined, mode: DeletionMode): Refusal | undefined {
  if (!customer || customer.status !== 'ACTIVE') return { outcome: 'NOT_FOUND', kind: 'customer' };
  const decision = decideCustomerDeletion(actor, customer, mode);
  if (!decision.allowed) return { outcome: 'DENIED', code: decision.code, message: decision.message };
  if (customer.activeSubscriptions > 0 || customer.liveChildren > 0) {
    return { outcome: 'CONFLICT', activeSubscriptions: customer.activeSubscriptions, liveChildren: customer.liveChildren };
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

/** The 409 body's list: what stands in the way, most actionable first. */
export function blockersFor(customer: { activeSubscriptions: number }, liveSubCustomerIds: readonly string[]): Blocker[] {
  const blockers: Blocker[] = [];
  if (customer.activeSubscriptions > 0) {
    blockers.push({ type: 'activeSubscription', id: 'subscriptions', detail: `${customer.activeSubscriptions} active subscription(s)` });
  }
  for (const id of liveSubCustomerIds) blockers.push({ type: 'subCustomer', id, detail: 'sub-customer is not deleted' });
  return blockers;
}
