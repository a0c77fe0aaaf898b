import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import type { TokenVerifier } from '../../auth/token-verifier';
import type { ActorStanding } from '../../domain/actor-standing';
import type { Clock } from '../../domain/deletion-ports';
import type { RequestStatus, RequestType } from '../../domain/model';
import { listRequestsFor, type RequestFilter, type RequestIndex } from '../../domain/request-list';
import { systemClock } from '../../domain/system';
import { DynamoRequestIndex } from '../../adapters/dynamodb/request-index';
import { requirePositiveIntEnv, type Environment } from '../../config/env';
import { apiBaseFromEnv } from '../api-wiring';
import { header, parseWith, readInput } from '../input';
import { httpHandler } from '../middleware';
import { pageQuery, pageRequest, v2Page } from '../paging';
import { requestView } from '../v2-envelope';

const STATUSES = ['IN_PROGRESS', 'SUCCESS', 'FAILED'] as const satisfies readonly RequestStatus[];
const TYPES = ['customer.delete', 'user.delete', 'customer.purge', 'customer.restore', 'batch'] as const satisfies readonly RequestType[];

const oneOf = <const T extends readonly [string, ...string[]]>(allowed: T, name: string) => z.optional(z.enum(allowed, { error: `${name} must be one of ${allowed.join(', ')}` }));

/** The request list's query: each filter optional, each one of its values; any other parameter is a 400. Page and size are read by `pageRequest`. */
export const listRequestsQuery = z.strictObject(
  { status: oneOf(STATUSES, 'status'), type: oneOf(TYPES, 'type'), overdue: oneOf(['true', 'false'], 'overdue'), ...pageQuery },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Unknown query parameter(s): ${issue.keys
            .slice(0, 5)
            .map((name) => name.slice(0, 40))
            .join(', ')}`
        : 'Invalid query',
  },
);

/** `?status=&type=&overdue=` of the request list. */
export function requestFilter(event: APIGatewayProxyEventV2): RequestFilter {
  const { status, type, overdue } = parseWith(listRequestsQuery, event.queryStringParameters ?? {}, 'VALIDATION_1001');
  return { ...(status ? { status } : {}), ...(type ? { type } : {}), ...(overdue === 'true' ? { overdue: true } : {}) };
}

/** `GET /api/v2/requests`: the caller account's requests (ADMIN: all), newest first, filtered, one page with its real `pageable`. */
export function createListRequestsHandler(deps: { verifier: TokenVerifier; standing: ActorStanding; index: RequestIndex; completionSlaHours: number; clock: Clock }) {
  return httpHandler('v2', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const { filter, page } = await readInput(actor, deps.standing, () => ({ filter: requestFilter(event), page: pageRequest(event) }));
    const sla = { completionSlaHours: deps.completionSlaHours, now: deps.clock.now() };
    const { requests, pageable } = await listRequestsFor(actor, filter, page, deps, sla);
    return v2Page(
      requests.map((request) => requestView(request, sla)),
      pageable,
    );
  });
}

export function listRequestsFromEnv(env: Environment) {
  const { verifier, table, standing } = apiBaseFromEnv(env);
  return createListRequestsHandler({
    verifier,
    standing,
    index: new DynamoRequestIndex(table),
    completionSlaHours: requirePositiveIntEnv(env, 'COMPLETION_SLA_HOURS'),
    clock: systemClock,
  });
}
