import { SCOPES, type Actor, type DeletionMode } from './model';

/**
 * Who may delete what. Pure decisions from (actor, action, target), each saying why, so the
 * caller can answer, audit and log the same reason. No I/O: the target's relevant facts are
 * passed in.
 *
 * The rule about the target is written once, as a `TargetConstraint`: the claims decision returns
 * it, `satisfies` evaluates it here (to explain a refusal), and the store translates it
 * mechanically into the condition of its write (shared/adapters/dynamodb/access-condition.ts), so
 * the write can never allow what the policy refuses.
 */

export type DenialCode =
  | 'ROLE_NOT_ALLOWED'
  | 'SCOPE_MISSING'
  | 'PURGE_NOT_ALLOWED'
  | 'NOT_MANAGED'
  | 'NOT_ELIGIBLE'
  | 'NOT_DUE';

export type Denial = { allowed: false; code: DenialCode; message: string };

/** What must hold of the target, at write time, for an actor the claims allow. */
export type TargetConstraint =
  /** Any customer (v1: ADMIN, MASTER). */
  | { kind: 'any' }
  /** A customer whose parent is this account (v1: RESALE, its direct children only). */
  | { kind: 'parent-is'; accountId: string }
  /** This account itself or one of its direct children (v2: not a grandchild, parent or sibling). */
  | { kind: 'self-or-child-of'; accountId: string }
  /** A customer whose purge date is at or before `at` (the scheduled purge: SYSTEM purges only due customers). */
  | { kind: 'purge-due'; at: string };

/** What the claims allow: a constraint the target must satisfy, or a refusal that needs no target. */
export type ClaimsDecision = { allowed: true; constraint: TargetConstraint } | Denial;

export type Decision = { allowed: true } | Denial;

/** The facts of a target a constraint is about. */
export interface ConstrainedTarget {
  id: string;
  parentId: string | null;
  /** When a DELETED customer becomes due for its purge (ISO-8601). */
  purgeAfter?: string | undefined;
}

/** Whether a target meets a constraint: the one evaluation of the rule outside the store's condition. */
export function satisfies(constraint: TargetConstraint, target: ConstrainedTarget): boolean {
  switch (constraint.kind) {
    case 'any':
      return true;
    case 'parent-is':
      return target.parentId === constraint.accountId;
    case 'self-or-child-of':
      return target.id === constraint.accountId || target.parentId === constraint.accountId;
    case 'purge-due':
      return target.purgeAfter !== undefined && target.purgeAfter <= constraint.at;
  }
}

const allowWith = (constraint: TargetConstraint): ClaimsDecision => ({ allowed: true, constraint });
const deny = (code: DenialCode, message: string): Denial => ({ allowed: false, code, message });

/** The roles a token may carry (SPEC "Identity"). */
export const ROLES: readonly string[] = ['ADMIN', 'MASTER', 'RESALE'];
const V1_ROLES = new Set(ROLES);

type Scope = (typeof SCOPES)[keyof typeof SCOPES];

/** The refusal for a missing scope, or `undefined` when the actor has it. */
function missingScope(actor: Actor, scope: Scope, detail = ''): Denial | undefined {
  return actor.scopes.has(scope) ? undefined : deny('SCOPE_MISSING', `Scope ${scope} is required${detail}`);
}

/**
 * The v1 claims rule every customer action shares: a v1 role (`Role is not allowed to <action>`),
 * then the action's scope. Allowed, ADMIN and MASTER reach any customer, RESALE its direct children.
 */
function decideV1ByClaims(actor: Actor, action: string, scope: Scope): ClaimsDecision {
  if (!V1_ROLES.has(actor.role)) return deny('ROLE_NOT_ALLOWED', `Role is not allowed to ${action}`);
  return missingScope(actor, scope) ?? allowWith(actor.role === 'RESALE' ? { kind: 'parent-is', accountId: actor.accountId } : { kind: 'any' });
}

/** A full decision: the claims, then the constraint they give against the target, refused with `code` when it does not hold. */
function decideAgainstTarget(byClaims: ClaimsDecision, target: ConstrainedTarget, code: DenialCode, message: string): Decision {
  if (!byClaims.allowed) return byClaims;
  if (!satisfies(byClaims.constraint, target)) return deny(code, message);
  return { allowed: true };
}

/**
 * The part of the v1 decision that needs no knowledge of the target: role, scope, and the
 * hard-delete rule, in that order. Checked before any write, so a refused caller costs no
 * transaction. Allowed, it says which customers: ADMIN and MASTER any, RESALE its direct children.
 */
export function decideCustomerDeletionByClaims(actor: Actor, mode: DeletionMode): ClaimsDecision {
  const byClaims = decideV1ByClaims(actor, 'delete customers', SCOPES.deleteCustomers);
  if (!byClaims.allowed || mode !== 'hard') return byClaims;
  if (actor.role !== 'ADMIN') return deny('PURGE_NOT_ALLOWED', 'Only ADMIN may hard-delete a customer');
  return missingScope(actor, SCOPES.purgeCustomers, ' for mode=hard') ?? byClaims;
}

/** The full v1 decision: the claims, then the constraint they give against the target. */
export function decideCustomerDeletion(actor: Actor, target: ConstrainedTarget, mode: DeletionMode): Decision {
  return decideAgainstTarget(decideCustomerDeletionByClaims(actor, mode), target, 'NOT_MANAGED', 'Customer is not managed by this reseller');
}

/**
 * The v2 decision without the target: scope only (any role may use v2 within its own accounts).
 * Allowed, it says which customers' users: the requestor's own account and its direct sub-customers.
 */
export function decideUserDeletionByClaims(actor: Actor): ClaimsDecision {
  return missingScope(actor, SCOPES.deleteUsers) ?? allowWith({ kind: 'self-or-child-of', accountId: actor.accountId });
}

/** The full v2 decision: the claims, then the constraint they give against the user's customer. */
export function decideUserDeletion(actor: Actor, customer: ConstrainedTarget): Decision {
  return decideAgainstTarget(decideUserDeletionByClaims(actor), customer, 'NOT_ELIGIBLE', 'Requestor is not eligible');
}

/**
 * Restore (SPEC "Lifecycle"): the v1 roles with scope `customers:restore`; ADMIN and MASTER any
 * customer, RESALE only the customers it manages. Role, then scope; the constraint goes to the write.
 */
export function decideCustomerRestoreByClaims(actor: Actor): ClaimsDecision {
  return decideV1ByClaims(actor, 'restore customers', SCOPES.restoreCustomers);
}

/** The full restore decision: the claims, then the constraint they give against the target. */
export function decideCustomerRestore(actor: Actor, target: ConstrainedTarget): Decision {
  return decideAgainstTarget(decideCustomerRestoreByClaims(actor), target, 'NOT_MANAGED', 'Customer is not managed by this reseller');
}

/** Placing or releasing a legal hold: ADMIN only, with scope `customers:hold`; any customer. Role, then scope. */
export function decideLegalHold(actor: Actor): Decision {
  if (actor.role !== 'ADMIN') return deny('ROLE_NOT_ALLOWED', 'Only ADMIN may place or release a legal hold');
  return missingScope(actor, SCOPES.holdCustomers) ?? { allowed: true };
}

/** The actor of the scheduled purge (SPEC "Lifecycle"): audited and recorded as the purge's actor. */
export const RETENTION_ACTOR = { sub: 'system:retention', role: 'SYSTEM', accountId: 'system' } as const;

/** Why a purge (DELETED → PURGED) runs: an ADMIN's purge now, or the schedule finding the customer due. */
export type PurgeTrigger = 'now' | 'due';

/**
 * Who may purge a DELETED customer. Purge now: ADMIN with `customers:delete` and `customers:purge` (it
 * is the v1 hard delete), any customer. A due purge: the SYSTEM role only, and only customers whose
 * purge date has passed at `at` (a constraint, so the write checks it). SYSTEM never purges now; no
 * one else purges on the schedule's behalf.
 */
export function decidePurgeByClaims(actor: Actor, trigger: PurgeTrigger, at: string): ClaimsDecision {
  if (trigger === 'due') {
    if (actor.role !== 'SYSTEM') return deny('PURGE_NOT_ALLOWED', 'Only the retention schedule purges due customers');
    return allowWith({ kind: 'purge-due', at });
  }
  if (actor.role !== 'ADMIN') return deny('PURGE_NOT_ALLOWED', 'Only ADMIN may purge a customer now');
  return missingScope(actor, SCOPES.deleteCustomers) ?? missingScope(actor, SCOPES.purgeCustomers, ' for mode=hard') ?? allowWith({ kind: 'any' });
}

/** The full purge decision: the claims, then the constraint they give against the target. */
export function decidePurge(actor: Actor, trigger: PurgeTrigger, target: ConstrainedTarget, at: string): Decision {
  return decideAgainstTarget(decidePurgeByClaims(actor, trigger, at), target, 'NOT_DUE', 'Customer is not due for purge yet');
}

/**
 * Reading a customer's state (SPEC "A customer"): the v1 roles with scope `customers:read`; ADMIN and
 * MASTER any customer, RESALE only the customers it manages. Role, then scope; the constraint decides
 * which customers are in reach (outside it, the reader answers the same 404 as for a missing one).
 */
export function decideCustomerRead(actor: Actor): ClaimsDecision {
  return decideV1ByClaims(actor, 'read customers', SCOPES.readCustomers);
}

/** Reading a customer's audit trail (SPEC "Audit trail"): as `decideCustomerRead`, with scope `audit:read`. */
export function decideAuditRead(actor: Actor): ClaimsDecision {
  return decideV1ByClaims(actor, 'read audit trails', SCOPES.readAudit);
}

/** Who may read a deletion request back: the account that made it, or an ADMIN. */
export function canReadRequest(actor: Actor, request: { ownerAccountId: string }): boolean {
  return actor.role === 'ADMIN' || actor.accountId === request.ownerAccountId;
}
