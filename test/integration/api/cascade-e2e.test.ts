import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { stepsFor } from '../../../infra/catalog';
import type { LocalStack } from '../../../infra/local/stack';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { eventually, testClients } from '../support/emulators';
import { mailTo } from '../support/mail';
import { apiClient } from '../../fixtures/api-client';
import { startTestStack } from './stack-harness';

/** The whole service running, pollers included: a deletion is observed from IN_PROGRESS to SUCCESS,
 * through the typed client generated from the OpenAPI document (every response checked against it). */

let stack: LocalStack;

beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('reseller-1', null)
    .customer('acme', 'reseller-1', { name: 'Acme Corp', email: 'owner@acme.example' })
    .user('u-keep', 'acme')
    .user('u-leave', 'acme')
    .device('d-keep', 'acme', 'u-keep')
    .device('d-leave-1', 'acme', 'u-leave')
    .device('d-leave-2', 'acme', 'u-leave')
    .session('s-keep', 'acme', 'u-keep')
    .session('s-leave', 'acme', 'u-leave')
    .customer('closing', 'reseller-1', { name: 'Closing Ltd', email: 'boss@closing.example' })
    .device('d-closing', 'closing')
    .session('s-closing', 'closing')
    .customer('big-family', 'reseller-1');
  for (let i = 0; i < 120; i += 1) seed.user(`member-${i}`, 'big-family');
  stack = await startTestStack(seed.build(), { pollers: true });
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

async function partition(customerId: string, prefix: string) {
  const { doc } = testClients();
  const result = await doc.send(
    new QueryCommand({
      TableName: stack.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.customerPartition(customerId), ':prefix': prefix },
      ConsistentRead: true,
    }),
  );
  return Object.fromEntries((result.Items ?? []).map((item) => [String(item.id), item]));
}

/** The request's view, as GET /api/v2/requests/{requestId} answers it. */
async function requestView(token: string, requestId: string) {
  const { data, response } = await apiClient(stack.url, token).GET('/api/v2/requests/{requestId}', { params: { path: { requestId } } });
  expect(response.status).toBe(200);
  const view = data!.content[0]!;
  // The status route also answers a batch's view; these requests are single deletions, with steps.
  if (!('steps' in view)) throw new Error(`${requestId} answered as a batch`);
  return view;
}

/** Polls the request until it is SUCCESS; its view then. */
function successOf(token: string, requestId: string) {
  return eventually(async () => {
    const view = await requestView(token, requestId);
    return view.status === 'SUCCESS' ? view : undefined;
  }, 20000, 'request SUCCESS');
}


it('v2: a user deletion goes from IN_PROGRESS to SUCCESS, touching only that user', async () => {
  const token = await tokenFor({ accountId: 'reseller-1', role: 'RESALE', scope: 'users:delete' });
  const accepted = await apiClient(stack.url, token).DELETE('/api/v2/customer/{customerId}/user/{userId}', { params: { path: { customerId: 'acme', userId: 'u-leave' } } });
  expect(accepted.response.status).toBe(200);
  const ack = accepted.data!.content[0]!;
  const requestId = 'requestId' in ack ? ack.requestId : '(a dry run answered)';

  expect((await requestView(token, requestId)).status).toBe('IN_PROGRESS');

  const done = await successOf(token, requestId);
  // Each step says what it changed: u-leave's two devices, its one session, one notice, its one login.
  expect(done).toMatchObject({
    steps: {
      devices: { status: 'SUCCESS', count: 2, lastError: null },
      sessions: { status: 'SUCCESS', count: 1, lastError: null },
      email: { status: 'SUCCESS', count: 1, lastError: null },
      identity: { status: 'SUCCESS', count: 1, lastError: null },
    },
  });
  // Access ended when the last of the access steps succeeded (the email step does not count).
  const accessSteps = stepsFor('user.delete', 'hard').filter((step) => step.cutsAccess);
  expect(accessSteps.map((step) => step.name)).toContain('devices');
  expect(done.accessRevokedAt).toBe(accessSteps.map((step) => done.steps[step.name]!.updatedAt).sort().at(-1));

  const devices = await partition('acme', keys.prefixes.device);
  expect(devices['d-leave-1']).toMatchObject({ status: 'REVOKED', revokedAt: expect.any(String), revokedByRequestId: requestId });
  expect(devices['d-leave-2']?.status).toBe('REVOKED');
  expect(devices['d-keep']?.status).toBe('ACTIVE');
  const sessions = await partition('acme', keys.prefixes.session);
  expect(sessions['s-leave']?.status).toBe('TERMINATED');
  expect(sessions['s-keep']?.status).toBe('ACTIVE');
  expect(await mailTo(stack.sesEndpoint, 'u-leave@example.com')).toHaveLength(1);
}, 40000);

it('v1: a customer deletion revokes its devices, ends its sessions and mails it once', async () => {
  const token = await tokenFor({ accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete' });
  const deleted = await apiClient(stack.url, token).DELETE('/customer/{customerId}', { params: { path: { customerId: 'closing' } } });
  expect(deleted.response.status).toBe(200);
  const requestId = deleted.data && 'requestId' in deleted.data ? deleted.data.requestId : '(a dry run answered)';

  await successOf(token, requestId);

  expect((await partition('closing', keys.prefixes.device))['d-closing']?.status).toBe('REVOKED');
  expect((await partition('closing', keys.prefixes.session))['s-closing']?.status).toBe('TERMINATED');
  const mails = await mailTo(stack.sesEndpoint, 'boss@closing.example');
  expect(mails).toHaveLength(1);
  expect(mails[0]?.text).toContain('Closing Ltd');
}, 40000);

it('hard delete: every user of a customer with more users than one transaction holds ends erased', async () => {
  const admin = await tokenFor({ accountId: 'platform', role: 'ADMIN', scope: 'customers:delete customers:purge' });
  const deleted = await apiClient(stack.url, admin).DELETE('/customer/{customerId}', {
    params: { path: { customerId: 'big-family' }, query: { mode: 'hard' } },
    body: { reason: 'account closure' },
  });
  expect(deleted.response.status).toBe(200);
  const requestId = deleted.data && 'requestId' in deleted.data ? deleted.data.requestId : '(a dry run answered)';

  // The erasure step reports itself: the logins beyond the transaction were its work.
  const { steps } = await successOf(admin, requestId);
  expect(Object.keys(steps).sort()).toEqual(['devices', 'email', 'erasure', 'identity', 'sessions']);
  expect(steps.erasure?.status).toBe('SUCCESS');
  const users = Object.values(await partition('big-family', keys.prefixes.user));
  expect(users).toHaveLength(120);
  expect(users.filter((u) => u.status === 'DELETED' && !('email' in u) && !('name' in u) && u.erasedByRequestId === requestId)).toHaveLength(120);
}, 40000);
