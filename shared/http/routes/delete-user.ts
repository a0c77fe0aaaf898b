import type { TokenVerifier } from '../../auth/token-verifier';
import type { ActorStanding } from '../../domain/actor-standing';
import type { DeletionService } from '../../domain/deletion-service';
import type { Environment } from '../../config/env';
import { apiBaseFromEnv, deletionServiceOn } from '../api-wiring';
import { deletionBody, dryRunFlag, header, idempotencyKey, pathId, readInput, refuseMode } from '../input';
import { httpHandler } from '../middleware';
import { v2Ack } from '../v2-envelope';

/**
 * `DELETE /api/v2/customer/{customerId}/user/{userId}` (API v2): accepts at once with a request id;
 * the cascade runs behind it. A v2 deletion cannot be undone: the user's personal fields are erased.
 */
export function createDeleteUserHandler(deps: { verifier: TokenVerifier; standing: ActorStanding; service: DeletionService }) {
  return httpHandler('v2', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const { customerId, userId, reason, ticket, key, dryRun } = await readInput(actor, deps.standing, () => {
      refuseMode(event);
      return {
        customerId: pathId(event, 'customerId', 'VALIDATION_1001'),
        userId: pathId(event, 'userId', 'VALIDATION_1001'),
        dryRun: dryRunFlag(event, 'VALIDATION_1001'),
        ...deletionBody(event),
        key: idempotencyKey(event),
      };
    });
    const input = { actor, mode: 'hard' as const, reason, ticket, idempotencyKey: key, correlationId: event.requestContext.requestId };
    if (dryRun) {
      const { impact } = await deps.service.previewUserDeletion(customerId, userId, input);
      return v2Ack([{ dryRun: true, impact: { devices: impact.devices, activeSessions: impact.activeSessions } }]);
    }
    const receipt = await deps.service.deleteUser(customerId, userId, input);
    return v2Ack([{ requestId: receipt.requestId }]);
  });
}

export function deleteUserFromEnv(env: Environment) {
  const { verifier, table, standing } = apiBaseFromEnv(env);
  return createDeleteUserHandler({ verifier, standing, service: deletionServiceOn(table, standing) });
}
