import type { TokenVerifier } from '../../auth/token-verifier';
import type { ActorStanding } from '../../domain/actor-standing';
import type { DeletionService } from '../../domain/deletion-service';
import { requirePositiveIntEnv, type Environment } from '../../config/env';
import { apiBaseFromEnv, deletionServiceOn } from '../api-wiring';
import { jsonResponse } from '../error-mapping';
import { deletionBody, deletionMode, dryRunFlag, header, idempotencyKey, pathId, readInput } from '../input';
import { httpHandler } from '../middleware';

/** `DELETE /customer/{customerId}` (API v1): authenticate, validate, delete, answer. */
export function createDeleteCustomerHandler(deps: { verifier: TokenVerifier; standing: ActorStanding; service: DeletionService }) {
  return httpHandler('v1', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const { customerId, mode, reason, ticket, key, dryRun } = await readInput(actor, deps.standing, () => ({
      customerId: pathId(event, 'customerId', 'INVALID_CUSTOMER_ID'),
      mode: deletionMode(event),
      dryRun: dryRunFlag(event, 'INVALID_DRY_RUN'),
      ...deletionBody(event),
      key: idempotencyKey(event),
    }));
    const input = { actor, mode, reason, ticket, idempotencyKey: key, correlationId: event.requestContext.requestId };
    if (dryRun) {
      const { impact, purgeAfter } = await deps.service.previewCustomerDeletion(customerId, input);
      return jsonResponse(200, { success: true, dryRun: true, message: 'Customer can be deleted', impact, ...(purgeAfter ? { purgeAfter } : {}) });
    }
    const receipt = await deps.service.deleteCustomer(customerId, input);
    // A soft delete says when the scheduled purge may erase the customer (SPEC "Lifecycle").
    return jsonResponse(200, {
      success: true,
      message: 'Customer deleted successfully',
      deletedAt: receipt.deletedAt,
      requestId: receipt.requestId,
      ...(receipt.purgeAfter ? { purgeAfter: receipt.purgeAfter } : {}),
    });
  });
}

export function deleteCustomerFromEnv(env: Environment) {
  const { verifier, table, standing } = apiBaseFromEnv(env);
  // The lifecycle link's RETENTION_SECONDS: how long a soft delete keeps the customer before its purge.
  const retentionSeconds = requirePositiveIntEnv(env, 'RETENTION_SECONDS');
  return createDeleteCustomerHandler({ verifier, standing, service: deletionServiceOn(table, standing, { retentionSeconds }) });
}
