import { DynamoLifecycleStore } from '../../adapters/dynamodb/lifecycle-store';
import type { TokenVerifier } from '../../auth/token-verifier';
import type { Environment } from '../../config/env';
import type { ActorStanding } from '../../domain/actor-standing';
import { RestoreService } from '../../domain/restore-service';
import { systemClock, uuidIds } from '../../domain/system';
import { apiBaseFromEnv } from '../api-wiring';
import { jsonResponse } from '../error-mapping';
import { deletionBody, header, pathId, readInput } from '../input';
import { httpHandler } from '../middleware';

/** `POST /customer/{customerId}/restore` (v1 shapes): authenticate, validate, restore, answer. */
export function createRestoreCustomerHandler(deps: { verifier: TokenVerifier; standing: ActorStanding; service: RestoreService }) {
  return httpHandler('v1', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const { customerId, reason, ticket } = await readInput(actor, deps.standing, () => ({
      customerId: pathId(event, 'customerId', 'INVALID_CUSTOMER_ID'),
      ...deletionBody(event),
    }));
    const receipt = await deps.service.restoreCustomer(customerId, { actor, reason, ticket, correlationId: event.requestContext.requestId });
    return jsonResponse(200, { success: true, message: 'Customer restored successfully', restoredAt: receipt.restoredAt, requestId: receipt.requestId });
  });
}

export function restoreCustomerFromEnv(env: Environment) {
  const { verifier, table, standing } = apiBaseFromEnv(env);
  const store = new DynamoLifecycleStore(table.doc, table.tableName);
  return createRestoreCustomerHandler({ verifier, standing, service: new RestoreService({ store, standing, clock: systemClock, ids: uuidIds }) });
}
