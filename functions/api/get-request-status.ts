import type { TokenVerifier } from '../../shared/auth/token-verifier';
import { readRequestFor, type RequestReader } from '../../shared/domain/request-query';
import { apiWiringFromEnv } from '../../shared/http/api-wiring';
import { header, pathId } from '../../shared/http/input';
import { httpHandler } from '../../shared/http/middleware';
import { requestView, v2Ack } from '../../shared/http/v2-envelope';

/** `GET /api/v2/requests/{requestId}`: a deletion request's status and steps, for its requestor only. */
export function createGetRequestStatusHandler(deps: { verifier: TokenVerifier; requests: RequestReader }) {
  return httpHandler('v2', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const requestId = pathId(event, 'requestId', 'VALIDATION_1001');
    return v2Ack([requestView(await readRequestFor(actor, requestId, deps.requests))]);
  });
}

export const handler = createGetRequestStatusHandler(apiWiringFromEnv());
