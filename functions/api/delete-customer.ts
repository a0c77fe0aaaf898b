import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoDeletionStore } from '../../shared/adapters/dynamodb/deletion-store';
import { createTokenVerifier, type TokenVerifier } from '../../shared/auth/token-verifier';
import { apiConfigFromEnv } from '../../shared/config/api-config';
import { DeletionService } from '../../shared/domain/deletion-service';
import { systemClock, uuidIds } from '../../shared/domain/system';
import { jsonResponse } from '../../shared/http/error-mapping';
import { deletionBody, deletionMode, header, idempotencyKey, pathId } from '../../shared/http/input';
import { httpApi } from '../../shared/http/middleware';

/** `DELETE /customer/{customerId}` (API v1): authenticate, validate, delete, answer. */
export function createDeleteCustomerHandler(deps: { verifier: TokenVerifier; service: DeletionService }) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>().handler(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const customerId = pathId(event, 'customerId', 'INVALID_CUSTOMER_ID');
    const mode = deletionMode(event);
    const { reason, ticket } = deletionBody(event);
    const receipt = await deps.service.deleteCustomer(customerId, {
      actor,
      mode,
      reason,
      ticket,
      idempotencyKey: idempotencyKey(event),
      correlationId: event.requestContext.requestId,
    });
    return jsonResponse(200, { success: true, message: 'Customer deleted successfully', deletedAt: receipt.deletedAt, requestId: receipt.requestId });
  }).use(httpApi('v1'));
}

const config = apiConfigFromEnv();
export const handler = createDeleteCustomerHandler({
  verifier: createTokenVerifier(config.auth),
  service: new DeletionService({ store: new DynamoDeletionStore(createDocumentClient(), config.tableName), clock: systemClock, ids: uuidIds }),
});
