import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoDeletionStore } from '../../shared/adapters/dynamodb/deletion-store';
import { createTokenVerifier, type TokenVerifier } from '../../shared/auth/token-verifier';
import { apiConfigFromEnv } from '../../shared/config/api-config';
import { DeletionService } from '../../shared/domain/deletion-service';
import { systemClock, uuidIds } from '../../shared/domain/system';
import { deletionBody, header, idempotencyKey, pathId } from '../../shared/http/input';
import { httpApi } from '../../shared/http/middleware';
import { v2Ack } from '../../shared/http/v2-envelope';

/**
 * `DELETE /api/v2/customer/{customerId}/user/{userId}` (API v2): accepts at once with a request id;
 * the cascade runs behind it. A v2 deletion cannot be undone: the user's personal fields are erased.
 */
export function createDeleteUserHandler(deps: { verifier: TokenVerifier; service: DeletionService }) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .handler(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
      const actor = await deps.verifier.verify(header(event, 'authorization'));
      const customerId = pathId(event, 'customerId', 'VALIDATION_1001');
      const userId = pathId(event, 'userId', 'VALIDATION_1001');
      const { reason, ticket } = deletionBody(event);
      const receipt = await deps.service.deleteUser(customerId, userId, {
        actor,
        mode: 'hard',
        reason,
        ticket,
        idempotencyKey: idempotencyKey(event),
        correlationId: event.requestContext.requestId,
      });
      return v2Ack([{ requestId: receipt.requestId }]);
    })
    .use(httpApi('v2'));
}

const config = apiConfigFromEnv();
export const handler = createDeleteUserHandler({
  verifier: createTokenVerifier(config.auth),
  service: new DeletionService({ store: new DynamoDeletionStore(createDocumentClient(), config.tableName), clock: systemClock, ids: uuidIds }),
});
