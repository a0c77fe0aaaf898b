import { SCOPES, type Actor, type DeletionMode } from './model';

/**
 * Who may delete what. Pure decisions from (actor, action, target), each saying why, so the
 * caller can answer, audit and log the same reason. No I/O: the target's relevant facts are
 * passed in.
 */

export type Decision = { allowed: true } | { allowed: false; code: DenialCode; message: string };

export type DenialCode =
  | 'ROLE_NOT_ALLOWED'
  | 'SCOPE_MISSING'
  | 'PURGE_NOT_ALLOWED'
  | 'NOT_MANAGED'
  | 'NOT_ELIGIBLE';

const allow: Decision = { allowed: true };
const deny = (code: DenialCode, message: string): Decision => ({ allowed: false, code, message });

const V1_ROLES = new Set(['ADMIN', 'MASTER', 'RESALE']);

/**
 * The part of the v1 decision that needs no knowledge of the target: role, scope, and the
 * hard-delete rule. Checked before any write, so a refused caller costs no transaction.
 */
export function decideCustomerDeletionByClaims(actor: Actor, mode: DeletionMode): Decision {
  if (!V1_ROLES.has(actor.role)) return deny('ROLE_NOT_ALLOWED', 'Role is not allowed to delete customers');
  if (!actor.scopes.has(SCOPES.deleteCustomers)) return deny('SCOPE_MISSING', `Scope ${SCOPES.deleteCustomers} is required`);
  if (mode === 'hard') {
    if (actor.role !== 'ADMIN') return deny('PURGE_NOT_ALLOWED', 'Only ADMIN may hard-delete a customer');
    if (!actor.scopes.has(SCOPES.purgeCustomers)) return deny('SCOPE_MISSING', `Scope ${SCOPES.purgeCustomers} is required for mode=hard`);
  }
  return allow;
}

/** The full v1 decision: ADMIN and MASTER any customer; RESALE only customers it manages directly. */
export function decideCustomerDeletion(actor: Actor, target: { parentId: string | null }, mode: DeletionMode): Decision {
  const byClaims = decideCustomerDeletionByClaims(actor, mode);
  if (!byClaims.allowed) return byClaims;
  if (actor.role === 'RESALE' && target.parentId !== actor.accountId) {
    return deny('NOT_MANAGED', 'Customer is not managed by this reseller');
  }
  return allow;
}

/** The v2 decision without the target: scope only (any role may use v2 within its own accounts). */
export function decideUserDeletionByClaims(actor: Actor): Decision {
  if (!actor.scopes.has(SCOPES.deleteUsers)) return deny('SCOPE_MISSING', `Scope ${SCOPES.deleteUsers} is required`);
  return allow;
}

/**
 * v2 eligibility: a user of the requestor's own account, or of one of its direct sub-customers.
 * Not a grandchild, not a parent, not a sibling.
 */
export function decideUserDeletion(actor: Actor, customer: { id: string; parentId: string | null }): Decision {
  const byClaims = decideUserDeletionByClaims(actor);
  if (!byClaims.allowed) return byClaims;
  if (customer.id === actor.accountId || customer.parentId === actor.accountId) return allow;
  return deny('NOT_ELIGIBLE', 'Requestor is not eligible');
}

/** Who may read a deletion request back: the account that made it, or an ADMIN. */
export function canReadRequest(actor: Actor, request: { ownerAccountId: string }): boolean {
  return actor.role === 'ADMIN' || actor.accountId === request.ownerAccountId;
}
