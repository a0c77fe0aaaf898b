import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoRequestReader } from '../../shared/adapters/dynamodb/request-reader';
import { createTokenVerifier, type TokenVerifier } from '../../shared/auth/token-verifier';
import { apiConfigFromEnv } from '../../shared/config/api-config';
import { readRequestFor, type RequestReader } from '../../shared/domain/request-query';
import { header, pathId } from '../../shared/http/input';
import { httpApi } from '../../shared/http/middleware';
import { requestView, v2Ack } from '../../shared/http/v2-envelope';

/** `GET /api/v2/requests/{requestId}`: a deletion request's status and steps, for its requestor only. */
export function createGetRequestStatusHandler(deps: { verifier: TokenVerifier; requests: RequestReader }) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .handler(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
      const actor = await deps.verifier.verify(header(event, 'authorization'));
      const requestId = pathId(event, 'requestId', 'VALIDATION_1001');
      return v2Ack([requestView(await readRequestFor(actor, requestId, deps.requests))]);
    })
    .use(httpApi('v2'));
}

const config = apiConfigFromEnv();
export const handler = createGetRequestStatusHandler({
  verifier: createTokenVerifier(config.auth),
  requests: new DynamoRequestReader(createDocumentClient(), config.tableName),
});
