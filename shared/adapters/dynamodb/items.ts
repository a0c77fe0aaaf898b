import type { Customer, DeletionRequest, User } from '../../domain/model';
import { keys, requestIndexKeys } from './keys';

/** Item builders for the entities the seed and tests create; the deletion repository reads them back. */

export interface SeedCustomer {
  id: string;
  parentId: string | null;
  name: string;
  email: string;
  activeSubscriptions: number;
  status?: Customer['status'];
}

/** `liveChildren` counts sub-customers not yet deleted: the transaction's 409 condition reads it. */
export function customerItem(customer: SeedCustomer, liveChildren: number): Record<string, unknown> {
  return {
    ...keys.customer(customer.id),
    entityType: 'customer',
    id: customer.id,
    parentId: customer.parentId,
    name: customer.name,
    email: customer.email,
    status: customer.status ?? 'ACTIVE',
    activeSubscriptions: customer.activeSubscriptions,
    liveChildren,
    // Only a live customer is in its parent's children index.
    ...(customer.parentId && (customer.status ?? 'ACTIVE') === 'ACTIVE'
      ? { ...keys.customerChildrenIndex(customer.parentId), gsi1sk: keys.customerIndexSortKey(customer.id) }
      : {}),
  };
}

export function userItem(user: Omit<User, 'status'> & { status?: User['status'] }): Record<string, unknown> {
  return { ...keys.user(user.customerId, user.id), entityType: 'user', id: user.id, customerId: user.customerId, name: user.name, email: user.email, status: user.status ?? 'ACTIVE' };
}

/** A device or a VPN session: owned by a customer, optionally by one of its users; ACTIVE when seeded. */
export interface OwnedItem {
  id: string;
  customerId: string;
  userId?: string | null;
}

function activeOwnedItem(entityType: 'device' | 'session', key: { pk: string; sk: string }, item: OwnedItem): Record<string, unknown> {
  return { ...key, entityType, id: item.id, customerId: item.customerId, ...(item.userId ? { userId: item.userId } : {}), status: 'ACTIVE' };
}

export function deviceItem(device: OwnedItem): Record<string, unknown> {
  return activeOwnedItem('device', keys.device(device.customerId, device.id), device);
}

export function sessionItem(session: OwnedItem): Record<string, unknown> {
  return activeOwnedItem('session', keys.session(session.customerId, session.id), session);
}

/**
 * The deletion request item. `ownerAccountId` is the requesting account: the only one (with
 * ADMIN) that may read the request back. Its steps live in one map attribute, written whole under
 * the optimistic `progressVersion` (see request-progress-store.ts), so the request status derived
 * from them is always consistent with them.
 */
export function requestItem(request: DeletionRequest): Record<string, unknown> {
  return {
    ...keys.request(request.requestId),
    entityType: 'request',
    ownerAccountId: request.actor.accountId,
    ...request,
    // Listed under its account and, while unfinished, among the open requests (the SLA check, the reconciler).
    ...requestIndexKeys(request, 'OPEN'),
  };
}
