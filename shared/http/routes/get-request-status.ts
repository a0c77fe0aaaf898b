import type { TokenVerifier } from '../../auth/token-verifier';
import { readRequestFor, type RequestReader } from '../../domain/request-query';
import { DynamoRequestReader } from '../../adapters/dynamodb/request-reader';
import type { Environment } from '../../config/env';
import { apiBaseFromEnv } from '../api-wiring';
import { header, pathId } from '../input';
import { httpHandler } from '../middleware';
import { requestView, v2Ack } from '../v2-envelope';

/** `GET /api/v2/requests/{requestId}`: a deletion request's status and steps, for its requestor only. */
export function createGetRequestStatusHandler(deps: { verifier: TokenVerifier; requests: RequestReader }) {
  return httpHandler('v2', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const requestId = pathId(event, 'requestId', 'VALIDATION_1001');
    return v2Ack([requestView(await readRequestFor(actor, requestId, deps.requests))]);
  });
}

export function getRequestStatusFromEnv(env: Environment) {
  const { verifier, table } = apiBaseFromEnv(env);
  return createGetRequestStatusHandler({ verifier, requests: new DynamoRequestReader(table.doc, table.tableName) });
}
