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
import { call, startTestStack, tableReader } from './stack-harness';

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

async function finished(requestId: string, token: string): Promise<RequestView> {
  return eventually(async () => {
    const status = await call(stack, 'GET', `/api/v2/requests/${requestId}`, { token });
    const view = (status.json.content as RequestView[] | undefined)?.[0];
    return view?.status === 'SUCCESS' ? view : undefined;
  }, 20000, 'request SUCCESS');
}

it('re-enables the logins the deletion disabled, sends the "restored" notice, leaves devices and sessions revoked, and the login mints and acts again', async () => {
  // Prepare: u-left is deleted on its own (v2), then the customer is soft-deleted; both cascades finish.
  const reseller = await tokenFor({ sub: 'op-1', accountId: 'reseller-1', role: 'RESALE', scope: 'users:delete customers:delete customers:restore' });
  const userDeleted = await call(stack, 'DELETE', '/api/v2/customer/acme/user/u-left', { token: reseller });
  expect(userDeleted.status).toBe(200);
  await finished((userDeleted.json.content as { requestId: string }[])[0]!.requestId, reseller);
  const deleted = await call(stack, 'DELETE', '/customer/acme', { token: reseller });
  expect(deleted.status).toBe(200);
  await finished(String(deleted.json.requestId), reseller);
  expect(Object.keys(readLoginRecord(stack.loginRecordFile).disabled).sort()).toEqual(['u-boss', 'u-clerk', 'u-left', 'u-temp']);
  const mailsBefore = (await sentMail(stack.sesEndpoint)).length;

  // Act
  const restored = await call(stack, 'POST', '/customer/acme/restore', { token: reseller, body: JSON.stringify({ reason: 'closed by mistake' }) });
  expect(restored.status).toBe(200);
  const requestId = String(restored.json.requestId);
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
  const acts = await call(stack, 'DELETE', '/api/v2/customer/acme/user/u-temp', { token });
  expect(acts.status).toBe(200);
}, 90000);
