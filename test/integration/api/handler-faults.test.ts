import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createLambdaContext } from '../../../infra/local/lambda-runtime';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../../infra/local/local-config';
import { DynamoDbActorStanding } from '../../../shared/adapters/dynamodb/actor-standing';
import { DynamoDeletionStore } from '../../../shared/adapters/dynamodb/deletion-store';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client';
import { createTokenVerifier } from '../../../shared/auth/token-verifier';
import { DeletionService } from '../../../shared/domain/deletion-service';
import { createDeleteCustomerHandler } from '../../../shared/http/routes/delete-customer';
import { systemClock, uuidIds } from '../../../shared/domain/system';
import { apiEventFactory } from '../../fixtures/api-events';
import { actorFactory } from '../../fixtures/actors';
import { tokenFor } from '../../fixtures/tokens';
import { NOTHING_LISTENS, startResettingServer } from '../support/network';

/** Faults never leak: a dependency that is down is a 503, anything unexpected a generic 500. */


const event = (token: string) =>
  apiEventFactory({ routePath: '/customer/{customerId}', path: '/customer/c-1', pathParameters: { customerId: 'c-1' }, headers: { authorization: `Bearer ${token}` } });

const notRevoked = { isRevoked: async () => false };
const trustingVerifier = { verify: async () => actorFactory({ accountId: 'reseller-1' }) };

async function invoke(handler: ReturnType<typeof createDeleteCustomerHandler>, token: string) {
  return (await handler(event(token), createLambdaContext('delete-customer', 10))) as APIGatewayProxyStructuredResultV2;
}

it('answers 503 in the v1 shape when the JWKS cannot be fetched', async () => {
  const handler = createDeleteCustomerHandler({
    verifier: createTokenVerifier({ jwksUrl: `${NOTHING_LISTENS}/jwks.json`, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, maxTokenAgeSeconds: 3600, jwksTimeoutMs: 500 }),
    standing: notRevoked,
    service: new DeletionService({ store: {} as never, standing: notRevoked, clock: systemClock, ids: uuidIds }),
  });
  const response = await invoke(handler, await tokenFor({ accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete' }));
  expect(response.statusCode).toBe(503);
  expect(response.body).toBe(JSON.stringify({ success: false, message: 'Service unavailable. Please try again', code: 'SERVICE_UNAVAILABLE' }));
});

it('answers 503 when DynamoDB is unreachable, with no SDK message in the body', async () => {
  const down = await startResettingServer();
  const unreachable = createDocumentClient(new DynamoDBClient({ endpoint: down.endpoint, maxAttempts: 1 }));
  const handler = createDeleteCustomerHandler({
    verifier: trustingVerifier,
    standing: new DynamoDbActorStanding({ doc: unreachable, tableName: 'any' }),
    service: new DeletionService({
      store: new DynamoDeletionStore(unreachable, 'any'),
      standing: new DynamoDbActorStanding({ doc: unreachable, tableName: 'any' }),
      clock: systemClock,
      ids: uuidIds,
    }),
  });
  const response = await invoke(handler, 'ignored').finally(() => down.close());
  expect(response.statusCode).toBe(503);
  expect(response.body).not.toMatch(/ECONN|hang up|127\.0\.0\.1|stack/i);
});

it('answers a generic 500 for an unexpected fault', async () => {
  const broken = { commitCustomerDeletion: async () => { throw new TypeError("Cannot read properties of undefined (reading 'Item')"); } };
  const handler = createDeleteCustomerHandler({
    verifier: trustingVerifier,
    standing: notRevoked,
    service: new DeletionService({ store: broken as never, standing: notRevoked, clock: systemClock, ids: uuidIds }),
  });
  const response = await invoke(handler, 'ignored');
  expect(response.statusCode).toBe(500);
  expect(response.body).toBe(JSON.stringify({ success: false, message: 'Internal server error', code: 'INTERNAL_ERROR' }));
});
