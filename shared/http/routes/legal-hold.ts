import { DynamoLifecycleStore } from '../../adapters/dynamodb/lifecycle-store';
import type { TokenVerifier } from '../../auth/token-verifier';
import type { Environment } from '../../config/env';
import type { ActorStanding } from '../../domain/actor-standing';
import { ValidationError } from '../../domain/errors';
import { LegalHoldService } from '../../domain/legal-hold-service';
import { systemClock, uuidIds } from '../../domain/system';
import { apiBaseFromEnv } from '../api-wiring';
import { jsonResponse } from '../error-mapping';
import { deletionBody, header, pathId, readInput } from '../input';
import { httpHandler } from '../middleware';

/**
 * `PUT /customer/{customerId}/legal-hold` with `{ reason, ticket? }` places a hold (again: replaces
 * its reason and ticket); `DELETE` releases it (an optional `{ reason, ticket }` goes to the audit).
 * v1 shapes. A missing reason on PUT is a 400, which wins over a 403 (SPEC "Which answer wins").
 */
export function createLegalHoldHandler(deps: { verifier: TokenVerifier; standing: ActorStanding; service: LegalHoldService }) {
  return httpHandler('v1', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const placing = event.requestContext.http.method.toUpperCase() === 'PUT';
    const { customerId, reason, ticket } = await readInput(actor, deps.standing, () => ({
      customerId: pathId(event, 'customerId', 'INVALID_CUSTOMER_ID'),
      ...deletionBody(event),
    }));
    const input = { actor, ticket, correlationId: event.requestContext.requestId };
    if (placing) {
      const legalHold = await deps.service.place(customerId, { ...input, reason: await readInput(actor, deps.standing, () => requiredReason(reason)) });
      return jsonResponse(200, { success: true, message: 'Legal hold placed', legalHold });
    }
    await deps.service.release(customerId, { ...input, reason });
    return jsonResponse(200, { success: true, message: 'Legal hold released' });
  });
}

/** Placing a hold needs a reason (400, before the role's 403: SPEC "Which answer wins"). */
function requiredReason(reason: string | null): string {
  if (!reason) throw new ValidationError('REASON_REQUIRED', 'A reason is required to place a legal hold');
  return reason;
}

export function legalHoldFromEnv(env: Environment) {
  const { verifier, table, standing } = apiBaseFromEnv(env);
  const store = new DynamoLifecycleStore(table.doc, table.tableName);
  return createLegalHoldHandler({ verifier, standing, service: new LegalHoldService({ store, standing, clock: systemClock, ids: uuidIds }) });
}
