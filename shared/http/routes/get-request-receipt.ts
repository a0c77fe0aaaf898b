import type { TokenVerifier } from '../../auth/token-verifier';
import type { ActorStanding } from '../../domain/actor-standing';
import { RequestNotCompleteError } from '../../domain/errors';
import { readRequestFor, type RequestReader } from '../../domain/request-query';
import { DynamoRequestReader } from '../../adapters/dynamodb/request-reader';
import type { Environment } from '../../config/env';
import { apiBaseFromEnv } from '../api-wiring';
import { header, pathId, readInput } from '../input';
import { httpHandler } from '../middleware';
import { v2Ack } from '../v2-envelope';

/**
 * `GET /api/v2/requests/{requestId}/receipt`: the request's signed deletion receipt (a compact JWS),
 * with the request status's visibility (its account or an ADMIN; a revoked actor 401 first; anyone
 * else the 404 of a missing request). 409 REQUEST_1003 until it is SUCCESS and signed: the receipt
 * is stored on the request item by the receipt-signer, read here in the status read's one BatchGetItem.
 */
export function createGetRequestReceiptHandler(deps: { verifier: TokenVerifier; standing: ActorStanding; requests: RequestReader }) {
  return httpHandler('v2', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const requestId = await readInput(actor, deps.standing, () => pathId(event, 'requestId', 'VALIDATION_1001'));
    const request = await readRequestFor(actor, requestId, deps.requests);
    const receipt = (request as { receipt?: unknown }).receipt;
    if (request.status !== 'SUCCESS' || typeof receipt !== 'string') throw new RequestNotCompleteError();
    return v2Ack([{ requestId: request.requestId, receipt }]);
  });
}

export function getRequestReceiptFromEnv(env: Environment) {
  const { verifier, table, standing } = apiBaseFromEnv(env);
  return createGetRequestReceiptHandler({ verifier, standing, requests: new DynamoRequestReader(table) });
}
