import type { TokenVerifier } from '../../auth/token-verifier';
import type { ActorStanding } from '../../domain/actor-standing';
import { readRequestFor, type RequestReader } from '../../domain/request-query';
import { DynamoRequestReader } from '../../adapters/dynamodb/request-reader';
import type { Environment } from '../../config/env';
import { apiBaseFromEnv } from '../api-wiring';
import { header, pathId, readInput } from '../input';
import { httpHandler } from '../middleware';
import { requestView, v2Ack } from '../v2-envelope';

/** `GET /api/v2/requests/{requestId}`: a deletion request's status and steps, for its requestor only. */
export function createGetRequestStatusHandler(deps: { verifier: TokenVerifier; standing: ActorStanding; requests: RequestReader }) {
  return httpHandler('v2', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const requestId = await readInput(actor, deps.standing, () => pathId(event, 'requestId', 'VALIDATION_1001'));
    return v2Ack([requestView(await readRequestFor(actor, requestId, deps.requests))]);
  });
}

export function getRequestStatusFromEnv(env: Environment) {
  const { verifier, table, standing } = apiBaseFromEnv(env);
  return createGetRequestStatusHandler({ verifier, standing, requests: new DynamoRequestReader(table) });
}
