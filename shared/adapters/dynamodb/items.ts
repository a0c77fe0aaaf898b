import type { Customer, DeletionRequest, User } from '../../domain/model';
import { keys } from './keys';

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
    ...(customer.parentId ? { ...keys.customerChildrenIndex(customer.parentId), gsi1sk: keys.customerIndexSortKey(customer.id) } : {}),
  };
}

export function userItem(user: Omit<User, 'status'> & { status?: User['status'] }): Record<string, unknown> {
  return { ...keys.user(user.customerId, user.id), entityType: 'user', id: user.id, customerId: user.customerId, name: user.name, email: user.email, status: user.status ?? 'ACTIVE' };
}

export function deviceItem(device: { id: string; customerId: string; userId?: string | null }): Record<string, unknown> {
  return {
    ...keys.device(device.customerId, device.id),
    entityType: 'device',
    id: device.id,
    customerId: device.customerId,
    ...(device.userId ? { userId: device.userId } : {}),
    status: 'ACTIVE',
  };
}

export function sessionItem(session: { id: string; customerId: string; userId?: string | null }): Record<string, unknown> {
  return {
    ...keys.session(session.customerId, session.id),
    entityType: 'session',
    id: session.id,
    customerId: session.customerId,
    ...(session.userId ? { userId: session.userId } : {}),
    status: 'ACTIVE',
  };
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
  };
}
