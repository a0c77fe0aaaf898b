import { decideAuditRead, decideCustomerRead, satisfies, type ClaimsDecision } from './authorization';
import type { ActorKey, ActorStanding } from './actor-standing';
import { ForbiddenError, NotFoundError, TokenRevokedError } from './errors';
import type { Actor, CustomerStatus } from './model';

/**
 * Reading state and the audit trail (SPEC "Reading state, evidence and visibility"): a customer with
 * its counts, and its audit records newest first. Which answer wins (SPEC "Identity"): a revoked
 * actor is a 401 before anything else, then a 403 for the role or scope, then the same 404 for a
 * customer that does not exist and one outside the caller's reach, so customer ids cannot be probed.
 */

/** A customer item as the table keeps it, with the lifecycle's attributes when present. */
export interface CustomerRecord {
  id: string;
  parentId: string | null;
  status: CustomerStatus;
  name?: string;
  email?: string;
  activeSubscriptions: number;
  /** The customer's count of live sub-customers (kept by every deletion and restore). */
  liveChildren: number;
  deletedAt?: string;
  purgeAfter?: string;
  purgedAt?: string;
  legalHold?: Record<string, unknown>;
  purgeBlockedBy?: string;
}

/** What the customer's partition holds, by kind and status. */
export interface PartitionCounts {
  users: { active: number; deleted: number };
  devices: { active: number; revoked: number };
  sessions: { active: number; terminated: number };
}

export interface CustomerStateReader {
  /** The customer (if any) and whether the actor was revoked by a deletion: one consistent batched read. */
  getCustomerAsSeenBy(actor: ActorKey, customerId: string): Promise<{ customer: CustomerRecord | undefined; actorRevoked: boolean }>;
  /** Counts of the customer's users, devices and sessions: one paged Query of its partition. */
  partitionCounts(customerId: string): Promise<PartitionCounts>;
}

/** An audit record as the table keeps it (shared/domain/deletion-ports.ts `AuditRecord`). */
export interface StoredAuditRecord {
  auditId: string;
  at: string;
  actor: { sub: string; role: string; accountId: string };
  action: string;
  mode?: string;
  outcome: string;
  detail?: string;
  reason?: string | null;
  ticket?: string | null;
  requestId?: string;
}

/** One page of a customer's audit trail, newest first, and the trail's total. */
export interface AuditPage {
  records: StoredAuditRecord[];
  totalElements: number;
}

export interface AuditTrailReader {
  /** Records `offset` to `offset + size - 1` of the customer's trail, newest first, and its total. */
  auditPage(customerId: string, offset: number, size: number): Promise<AuditPage>;
}

/** Which page of a list a caller asks for (validated by the HTTP layer: page ≥ 0, size 1–100, page × size ≤ 10,000). */
export interface PageRequest {
  page: number;
  size: number;
}

export interface Pageable {
  page: number;
  size: number;
  totalPages: number;
  totalElements: number;
}

/** What a caller sees of a customer (SPEC "A customer"). */
export interface CustomerView {
  id: string;
  parentId: string | null;
  status: CustomerStatus;
  name?: string;
  email?: string;
  deletedAt?: string;
  purgeAfter?: string;
  purgedAt?: string;
  legalHold?: Record<string, unknown>;
  purgeBlockedBy?: string;
  activeSubscriptions: number;
  liveSubCustomers: number;
  users: PartitionCounts['users'];
  devices: PartitionCounts['devices'];
  sessions: PartitionCounts['sessions'];
}

/** The customer as a caller sees it. A PURGED customer shows no name or email, whatever the item still holds. */
export function customerView(customer: CustomerRecord, counts: PartitionCounts): CustomerView {
  const personal = customer.status === 'PURGED' ? {} : { ...(customer.name !== undefined ? { name: customer.name } : {}), ...(customer.email !== undefined ? { email: customer.email } : {}) };
  return {
    id: customer.id,
    parentId: customer.parentId,
    status: customer.status,
    ...personal,
    ...(customer.deletedAt !== undefined ? { deletedAt: customer.deletedAt } : {}),
    ...(customer.purgeAfter !== undefined ? { purgeAfter: customer.purgeAfter } : {}),
    ...(customer.purgedAt !== undefined ? { purgedAt: customer.purgedAt } : {}),
    ...(customer.legalHold !== undefined ? { legalHold: customer.legalHold } : {}),
    ...(customer.purgeBlockedBy !== undefined ? { purgeBlockedBy: customer.purgeBlockedBy } : {}),
    activeSubscriptions: customer.activeSubscriptions,
    liveSubCustomers: customer.liveChildren,
    users: counts.users,
    devices: counts.devices,
    sessions: counts.sessions,
  };
}

/** What a caller sees of an audit record: no target internals, no correlation id; absent fields left out. */
export function auditRecordView(record: StoredAuditRecord) {
  return {
    auditId: record.auditId,
    at: record.at,
    actor: { sub: record.actor.sub, role: record.actor.role, accountId: record.actor.accountId },
    action: record.action,
    ...(record.mode ? { mode: record.mode } : {}),
    outcome: record.outcome,
    ...(record.detail ? { detail: record.detail } : {}),
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.ticket ? { ticket: record.ticket } : {}),
    ...(record.requestId ? { requestId: record.requestId } : {}),
  };
}

export function pageableOf(request: PageRequest, totalElements: number): Pageable {
  return { page: request.page, size: request.size, totalPages: Math.ceil(totalElements / request.size), totalElements };
}

/** The claims first: a refusal by role or scope is a 403, but a revoked actor's is a 401 (one batched read, on the refusal path only). */
async function requireClaims(actor: Actor, standing: ActorStanding, decision: ClaimsDecision) {
  if (decision.allowed) return decision.constraint;
  if (await standing.isRevoked(actor)) throw new TokenRevokedError();
  throw new ForbiddenError(decision.code, decision.message);
}

/** The customer, if the actor may see it: revoked → 401; missing or outside reach → the same 404. */
async function visibleCustomer(actor: Actor, customerId: string, decision: ClaimsDecision, deps: { standing: ActorStanding; customers: CustomerStateReader }) {
  const constraint = await requireClaims(actor, deps.standing, decision);
  const { customer, actorRevoked } = await deps.customers.getCustomerAsSeenBy(actor, customerId);
  if (actorRevoked) throw new TokenRevokedError();
  if (!customer || !satisfies(constraint, customer)) throw new NotFoundError('customer');
  return customer;
}

/** `GET /customer/{customerId}`: the customer's state and counts, authorized like a v1 delete (scope `customers:read`). */
export async function readCustomerFor(
  actor: Actor,
  customerId: string,
  deps: { standing: ActorStanding; customers: CustomerStateReader },
): Promise<CustomerView> {
  const customer = await visibleCustomer(actor, customerId, decideCustomerRead(actor), deps);
  return customerView(customer, await deps.customers.partitionCounts(customerId));
}

/** `GET /api/v2/customer/{customerId}/audit`: one page of the customer's audit trail, newest first, denied attempts included (scope `audit:read`). */
export async function readAuditTrailFor(
  actor: Actor,
  customerId: string,
  page: PageRequest,
  deps: { standing: ActorStanding; customers: CustomerStateReader; audit: AuditTrailReader },
): Promise<{ records: ReturnType<typeof auditRecordView>[]; pageable: Pageable }> {
  await visibleCustomer(actor, customerId, decideAuditRead(actor), deps);
  const { records, totalElements } = await deps.audit.auditPage(customerId, page.page * page.size, page.size);
  return { records: records.map(auditRecordView), pageable: pageableOf(page, totalElements) };
}
