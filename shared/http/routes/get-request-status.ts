import type { TokenVerifier } from '../../auth/token-verifier';
import type { ActorStanding } from '../../domain/actor-standing';
import { readRequestFor, type RequestReader } from '../../domain/request-query';
import type { Clock } from '../../domain/deletion-ports';
import { DynamoRequestReader } from '../../adapters/dynamodb/request-reader';
import { requirePositiveIntEnv, type Environment } from '../../config/env';
import { systemClock } from '../../domain/system';
import { apiBaseFromEnv } from '../api-wiring';
import { header, pathId, readInput } from '../input';
import { httpHandler } from '../middleware';
import { requestView, v2Ack } from '../v2-envelope';

/** `GET /api/v2/requests/{requestId}`: a deletion request's status and steps, for its requestor only. */
export function createGetRequestStatusHandler(deps: { verifier: TokenVerifier; standing: ActorStanding; requests: RequestReader; completionSlaHours: number; clock: Clock }) {
  return httpHandler('v2', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const requestId = await readInput(actor, deps.standing, () => pathId(event, 'requestId', 'VALIDATION_1001'));
    const request = await readRequestFor(actor, requestId, deps.requests);
    return v2Ack([requestView(request, { completionSlaHours: deps.completionSlaHours, now: deps.clock.now() })]);
  });
}

export function getRequestStatusFromEnv(env: Environment) {
  const { verifier, table, standing } = apiBaseFromEnv(env);
  return createGetRequestStatusHandler({
    verifier,
    standing,
    requests: new DynamoRequestReader(table),
    completionSlaHours: requirePositiveIntEnv(env, 'COMPLETION_SLA_HOURS'),
    clock: systemClock,
  });
}
