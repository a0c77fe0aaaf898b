import type { TokenVerifier } from '../../auth/token-verifier';
import type { ActorStanding } from '../../domain/actor-standing';
import { readCustomerFor, type CustomerStateReader } from '../../domain/state-reads';
import { DynamoStateReader } from '../../adapters/dynamodb/state-reader';
import type { Environment } from '../../config/env';
import { apiBaseFromEnv } from '../api-wiring';
import { jsonResponse } from '../error-mapping';
import { header, pathId, readInput } from '../input';
import { httpHandler } from '../middleware';

/** `GET /customer/{customerId}` (v1 shape): a customer's state and the counts of its users, devices and sessions. */
export function createGetCustomerHandler(deps: { verifier: TokenVerifier; standing: ActorStanding; customers: CustomerStateReader }) {
  return httpHandler('v1', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const customerId = await readInput(actor, deps.standing, () => pathId(event, 'customerId', 'INVALID_CUSTOMER_ID'));
    return jsonResponse(200, { success: true, customer: await readCustomerFor(actor, customerId, deps) });
  });
}

export function getCustomerFromEnv(env: Environment) {
  const { verifier, table, standing } = apiBaseFromEnv(env);
  return createGetCustomerHandler({ verifier, standing, customers: new DynamoStateReader(table) });
}
