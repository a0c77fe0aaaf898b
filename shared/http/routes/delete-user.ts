import type { TokenVerifier } from '../../auth/token-verifier';
import type { DeletionService } from '../../domain/deletion-service';
import type { Environment } from '../../config/env';
import { apiBaseFromEnv, deletionServiceOn } from '../api-wiring';
import { deletionBody, header, idempotencyKey, pathId } from '../input';
import { httpHandler } from '../middleware';
import { v2Ack } from '../v2-envelope';

/**
 * `DELETE /api/v2/customer/{customerId}/user/{userId}` (API v2): accepts at once with a request id;
 * the cascade runs behind it. A v2 deletion cannot be undone: the user's personal fields are erased.
 */
export function createDeleteUserHandler(deps: { verifier: TokenVerifier; service: DeletionService }) {
  return httpHandler('v2', async (event) => {
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
  });
}

export function deleteUserFromEnv(env: Environment) {
  const { verifier, table } = apiBaseFromEnv(env);
  return createDeleteUserHandler({ verifier, service: deletionServiceOn(table) });
}
