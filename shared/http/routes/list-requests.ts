import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { TokenVerifier } from '../../auth/token-verifier';
import type { ActorStanding } from '../../domain/actor-standing';
import type { Clock } from '../../domain/deletion-ports';
import { ValidationError } from '../../domain/errors';
import type { RequestStatus, RequestType } from '../../domain/model';
import { listRequestsFor, type RequestFilter, type RequestIndex } from '../../domain/request-list';
import { systemClock } from '../../domain/system';
import { DynamoRequestIndex } from '../../adapters/dynamodb/request-index';
import { requirePositiveIntEnv, type Environment } from '../../config/env';
import { apiBaseFromEnv } from '../api-wiring';
import { header, readInput } from '../input';
import { httpHandler } from '../middleware';
import { pageRequest, v2Page } from '../paging';
import { requestView } from '../v2-envelope';

const STATUSES: readonly RequestStatus[] = ['IN_PROGRESS', 'SUCCESS', 'FAILED'];
const TYPES: readonly RequestType[] = ['customer.delete', 'user.delete', 'customer.purge', 'customer.restore'];
const PARAMETERS = new Set(['status', 'type', 'overdue', 'page', 'size']);

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ValidationError('VALIDATION_1001', `${name} must be one of ${allowed.join(', ')}`);
}

/** `?status=&type=&overdue=` of the request list: each optional, each one of its values; any other parameter is a 400. */
export function requestFilter(event: APIGatewayProxyEventV2): RequestFilter {
  const query = event.queryStringParameters ?? {};
  const unknown = Object.keys(query).filter((name) => !PARAMETERS.has(name));
  if (unknown.length > 0) throw new ValidationError('VALIDATION_1001', `Unknown query parameter(s): ${unknown.slice(0, 5).map((name) => name.slice(0, 40)).join(', ')}`);
  const status = oneOf(query.status, STATUSES, 'status');
  const type = oneOf(query.type, TYPES, 'type');
  const overdue = oneOf(query.overdue, ['true', 'false'] as const, 'overdue') === 'true';
  return { ...(status ? { status } : {}), ...(type ? { type } : {}), ...(overdue ? { overdue } : {}) };
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
