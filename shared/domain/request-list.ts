import type { ActorKey } from './actor-standing';
import { TokenRevokedError } from './errors';
import type { Actor, RequestStatus, RequestType } from './model';
import type { StoredRequest } from './request-query';
import { overdueCreatedBefore } from './request-sla';
import { pageableOf, type Pageable, type PageRequest } from './state-reads';

/**
 * `GET /api/v2/requests` (SPEC "Requests"): the caller account's requests, or every account's for
 * an ADMIN, newest first, filtered and paged. No scope is needed (as for one request by id): a
 * caller sees only what its account asked for. A revoked actor is refused.
 */

export interface RequestFilter {
  status?: RequestStatus;
  type?: RequestType;
  /** Only requests not SUCCESS whose `dueAt` has passed. */
  overdue?: boolean;
}

/** Whose requests: one account's, or all of them (ADMIN). */
export type RequestScope = { kind: 'account'; accountId: string } | { kind: 'all' };

/** What the index is asked for: the scope, the filters, and the page as an offset. */
export interface RequestIndexQuery {
  scope: RequestScope;
  status?: RequestStatus;
  type?: RequestType;
  /** Only requests created before this time (exclusive), and not SUCCESS: the overdue filter. */
  overdueCreatedBefore?: string;
  offset: number;
  size: number;
}

/** The port: requests newest first from an index (never a scan), with the total that match, read
 * together with the actor's standing (the page's items and the actor's are one batched read). */
export interface RequestIndex {
  pageAsSeenBy(actor: ActorKey, query: RequestIndexQuery): Promise<{ requests: StoredRequest[]; totalElements: number; actorRevoked: boolean }>;
}

export function requestScopeOf(actor: Actor): RequestScope {
  return actor.role === 'ADMIN' ? { kind: 'all' } : { kind: 'account', accountId: actor.accountId };
}

/** One page of the requests the actor may see. */
export async function listRequestsFor(
  actor: Actor,
  filter: RequestFilter,
  page: PageRequest,
  deps: { index: RequestIndex },
  sla: { completionSlaHours: number; now: Date },
): Promise<{ requests: StoredRequest[]; pageable: Pageable }> {
  const query: RequestIndexQuery = {
    scope: requestScopeOf(actor),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.overdue ? { overdueCreatedBefore: overdueCreatedBefore(sla.now, sla.completionSlaHours) } : {}),
    offset: page.page * page.size,
    size: page.size,
  };
  const result = await deps.index.pageAsSeenBy(actor, query);
  if (result.actorRevoked) throw new TokenRevokedError();
  return { requests: result.requests, pageable: pageableOf(page, result.totalElements) };
}
