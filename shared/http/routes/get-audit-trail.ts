import type { TokenVerifier } from '../../auth/token-verifier';
import type { ActorStanding } from '../../domain/actor-standing';
import { readAuditTrailFor, type AuditTrailReader, type CustomerStateReader } from '../../domain/state-reads';
import { DynamoStateReader } from '../../adapters/dynamodb/state-reader';
import type { Environment } from '../../config/env';
import { apiBaseFromEnv } from '../api-wiring';
import { header, pathId, readInput } from '../input';
import { httpHandler } from '../middleware';
import { pageRequest, v2Page } from '../paging';

/** `GET /api/v2/customer/{customerId}/audit?page=&size=`: a customer's audit trail, newest first, one page with its real `pageable`. */
export function createGetAuditTrailHandler(deps: { verifier: TokenVerifier; standing: ActorStanding; customers: CustomerStateReader; audit: AuditTrailReader }) {
  return httpHandler('v2', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const { customerId, page } = await readInput(actor, deps.standing, () => ({
      customerId: pathId(event, 'customerId', 'VALIDATION_1001'),
      page: pageRequest(event),
    }));
    const { records, pageable } = await readAuditTrailFor(actor, customerId, page, deps);
    return v2Page(records, pageable);
  });
}

export function getAuditTrailFromEnv(env: Environment) {
  const { verifier, table, standing } = apiBaseFromEnv(env);
  const reader = new DynamoStateReader(table);
  return createGetAuditTrailHandler({ verifier, standing, customers: reader, audit: reader });
}
