import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalStack } from '../../../infra/local/stack';
import { readLoginRecord } from '../../../shared/adapters/identity/local-identity-provider';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { runCli, within } from '../local/processes';
import { eventually } from '../support/emulators';
import { sentMail } from '../support/mail';
import { apiClient } from '../../fixtures/api-client';
import { startTestStack, tableReader } from './stack-harness';

/**
 * A restore's cascade through the whole local stack, pollers included (SPEC "Lifecycle" and
 * "Requests, steps and events"): steps identity and email; the logins the soft delete disabled are
 * enabled again at the identity provider (locally: the token issuer's record), a login deleted on its
 * own (v2) stays disabled, a "restored" notice is sent; devices stay REVOKED and sessions TERMINATED;
 * `npm run token` mints again for a restored login, and that login acts on this API again.
 */

let stack: LocalStack;
let table: ReturnType<typeof tableReader>;

beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('reseller-1', null)
    .customer('acme', 'reseller-1', { name: 'Acme Corp', email: 'owner@acme.example' })
    .user('u-boss', 'acme')
    .user('u-clerk', 'acme')
    .user('u-left', 'acme')
    .device('d-1', 'acme', 'u-clerk')
    .session('s-1', 'acme', 'u-clerk')
    .user('u-temp', 'acme');
  stack = await startTestStack(seed.build(), { pollers: true });
  table = tableReader(stack);
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

interface RequestView {
  type: string;
  status: string;
  accessRevokedAt?: string;
  steps: Record<string, { status: string }>;
}

/** Polls the request (typed client) until it is SUCCESS; its view then. */
async function finished(requestId: string, token: string): Promise<RequestView> {
  const api = apiClient(stack.url, token);
  return eventually(async () => {
    const { data } = await api.GET('/api/v2/requests/{requestId}', { params: { path: { requestId } } });
    const view = data?.content[0];
    return view && 'steps' in view && view.status === 'SUCCESS' ? view : undefined;
  }, 20000, 'request SUCCESS');
}

/** The request id a v1 answer or a v2 ACK carries (a dry run carries none). */
function requestIdOf(body: object | undefined): string {
  const carrier: unknown = body && 'content' in body && Array.isArray(body.content) ? body.content[0] : body;
  if (typeof carrier !== 'object' || carrier === null || !('requestId' in carrier) || typeof carrier.requestId !== 'string') throw new Error('no request id in the answer');
  return carrier.requestId;
}

it('re-enables the logins the deletion disabled, sends the "restored" notice, leaves devices and sessions revoked, and the login mints and acts again', async () => {
  // Prepare: u-left is deleted on its own (v2), then the customer is soft-deleted; both cascades finish.
  const reseller = await tokenFor({ sub: 'op-1', accountId: 'reseller-1', role: 'RESALE', scope: 'users:delete customers:delete customers:restore' });
  const api = apiClient(stack.url, reseller);
  const userDeleted = await api.DELETE('/api/v2/customer/{customerId}/user/{userId}', { params: { path: { customerId: 'acme', userId: 'u-left' } } });
  expect(userDeleted.response.status).toBe(200);
  await finished(requestIdOf(userDeleted.data), reseller);
  const deleted = await api.DELETE('/customer/{customerId}', { params: { path: { customerId: 'acme' } } });
  expect(deleted.response.status).toBe(200);
  await finished(requestIdOf(deleted.data), reseller);
  expect(Object.keys(readLoginRecord(stack.loginRecordFile).disabled).sort()).toEqual(['u-boss', 'u-clerk', 'u-left', 'u-temp']);
  const mailsBefore = (await sentMail(stack.sesEndpoint)).length;

  // Act
  const restored = await api.POST('/customer/{customerId}/restore', { params: { path: { customerId: 'acme' } }, body: { reason: 'closed by mistake' } });
  expect(restored.response.status).toBe(200);
  const requestId = requestIdOf(restored.data);
  const view = await finished(requestId, reseller);

  // Assess: the request ran identity and email, and revoked no access
  expect(view.type).toBe('customer.restore');
  expect(Object.keys(view.steps).sort()).toEqual(['email', 'identity']);
  expect(view.steps.identity?.status).toBe('SUCCESS');
  expect(view.accessRevokedAt).toBeUndefined();
  // the logins are enabled again, but not the one deleted on its own
  expect(Object.keys(readLoginRecord(stack.loginRecordFile).disabled)).toEqual(['u-left']);
  // one "restored" notice to the customer's address
  const mails = await sentMail(stack.sesEndpoint);
  expect(mails.length).toBe(mailsBefore + 1);
  const notices = mails.filter((mail) => mail.subject === 'Your customer account has been restored');
  expect(notices).toHaveLength(1);
  expect(notices[0]?.to).toEqual(['owner@acme.example']);
  expect(notices[0]?.text).toContain(requestId);
  // devices and sessions stay revoked and ended
  const items = [...(await table.all('device')), ...(await table.all('session'))].filter((i) => i.customerId === 'acme');
  expect(items.map((i) => [i.id, i.status]).sort()).toEqual([
    ['d-1', 'REVOKED'],
    ['s-1', 'TERMINATED'],
  ]);
  expect(await table.user('acme', 'u-left')).toMatchObject({ status: 'DELETED' });

  // `npm run token` mints again for a restored login, still refuses the deleted one
  const runtime = join(mkdtempSync(join(tmpdir(), 'runtime-')), 'runtime.json');
  writeFileSync(runtime, JSON.stringify({ pid: process.pid, url: stack.url, tableName: stack.tableName, queues: stack.queues, loginRecordFile: stack.loginRecordFile }));
  const minted = runCli('infra/local/token-cli.ts', ['--runtime', runtime, '--sub', 'u-boss', '--account', 'acme', '--role', 'RESALE', '--scope', 'users:delete']);
  const refused = runCli('infra/local/token-cli.ts', ['--runtime', runtime, '--sub', 'u-left', '--account', 'acme']);
  const [mintedExit, refusedExit] = await Promise.all([within(minted.exited, 20_000, 'minting a token'), within(refused.exited, 20_000, 'refusing a token')]);
  expect(mintedExit.code).toBe(0);
  expect(refusedExit.code).not.toBe(0);
  const token = minted.stdout().trim();
  expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

  // the restored login acts on this API again (its account is ACTIVE, its login too)
  expect(Object.keys(readLoginRecord(stack.loginRecordFile).disabled)).toEqual(['u-left']);
  const acts = await apiClient(stack.url, token).DELETE('/api/v2/customer/{customerId}/user/{userId}', { params: { path: { customerId: 'acme', userId: 'u-temp' } } });
  expect(acts.response.status).toBe(200);
}, 90000);
