import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalStack } from '../../../infra/local/stack';
import { readLoginRecord } from '../../../shared/adapters/identity/local-identity-provider';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { ownLines, runCli, within } from '../local/processes';
import { eventually } from '../support/emulators';
import { call, startTestStack } from './stack-harness';

/**
 * Access cut-off through the whole local stack, pollers included: a deletion's identity step
 * disables the subject's logins at the identity provider (locally: the token issuer's record), the
 * request's accessRevokedAt waits for it, and `npm run token` then refuses those logins.
 */

let stack: LocalStack;

beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('reseller-1', null)
    .customer('acme', 'reseller-1', { name: 'Acme Corp', email: 'owner@acme.example' })
    .user('u-stay', 'acme')
    .user('u-go', 'acme')
    .device('d-go', 'acme', 'u-go')
    .customer('closing', 'reseller-1', { name: 'Closing Ltd', email: 'boss@closing.example' })
    .user('c-boss', 'closing')
    .user('c-clerk', 'closing')
    .session('s-closing', 'closing', 'c-clerk')
    .customer('erased', 'reseller-1', { name: 'Erased Inc', email: 'ceo@erased.example' })
    .user('e-1', 'erased')
    .user('e-2', 'erased');
  stack = await startTestStack(seed.build(), { pollers: true });
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

interface RequestView {
  status: string;
  accessRevokedAt?: string;
  steps: Record<string, { status: string; updatedAt: string }>;
}

async function finished(requestId: string, token: string): Promise<RequestView> {
  return eventually(async () => {
    const status = await call(stack, 'GET', `/api/v2/requests/${requestId}`, { token });
    const view = (status.json.content as RequestView[] | undefined)?.[0];
    return view?.status === 'SUCCESS' ? view : undefined;
  }, 20000, 'request SUCCESS');
}

/** When the last of the identity, devices and sessions steps succeeded. */
function lastAccessStep(view: RequestView): string | undefined {
  return ['identity', 'devices', 'sessions'].map((name) => view.steps[name]!.updatedAt).sort().at(-1);
}

it('v2: a user deletion disables that login only, and access is revoked once the identity step is done', async () => {
  // Act
  const token = await tokenFor({ accountId: 'reseller-1', role: 'RESALE', scope: 'users:delete' });
  const accepted = await call(stack, 'DELETE', '/api/v2/customer/acme/user/u-go', { token });
  expect(accepted.status).toBe(200);
  const requestId = (accepted.json.content as { requestId: string }[])[0]!.requestId;
  const view = await finished(requestId, token);

  // Assess
  expect(view.steps.identity?.status).toBe('SUCCESS');
  expect(view.accessRevokedAt).toBe(lastAccessStep(view));
  expect(view.accessRevokedAt! >= view.steps.identity!.updatedAt).toBe(true);
  const disabled = readLoginRecord(stack.loginRecordFile).disabled;
  expect(disabled['u-go']).toEqual({ account: 'acme', requestId, disabledAt: expect.any(String) });
  expect(disabled).not.toHaveProperty('u-stay');
}, 40000);

it('v1: a customer deletion disables every login of the customer', async () => {
  // Act
  const token = await tokenFor({ accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete' });
  const deleted = await call(stack, 'DELETE', '/customer/closing', { token });
  expect(deleted.status).toBe(200);
  const requestId = String(deleted.json.requestId);
  const view = await finished(requestId, token);

  // Assess
  expect(Object.keys(view.steps).sort()).toEqual(['devices', 'email', 'identity', 'sessions']);
  expect(view.steps.identity?.status).toBe('SUCCESS');
  expect(view.accessRevokedAt).toBe(lastAccessStep(view));
  const disabled = readLoginRecord(stack.loginRecordFile).disabled;
  for (const login of ['c-boss', 'c-clerk']) expect({ login, record: disabled[login] }).toEqual({ login, record: { account: 'closing', requestId, disabledAt: expect.any(String) } });
}, 40000);

it('v1 hard delete: logins the transaction already erased in the table are still disabled at the provider', async () => {
  // Act
  const admin = await tokenFor({ accountId: 'platform', role: 'ADMIN', scope: 'customers:delete customers:purge' });
  const deleted = await call(stack, 'DELETE', '/customer/erased?mode=hard', { token: admin, body: JSON.stringify({ reason: 'account closure' }) });
  expect(deleted.status).toBe(200);
  const requestId = String(deleted.json.requestId);
  const view = await finished(requestId, admin);

  // Assess
  expect(view.steps.identity?.status).toBe('SUCCESS');
  const disabled = readLoginRecord(stack.loginRecordFile).disabled;
  expect([disabled['e-1']?.requestId, disabled['e-2']?.requestId]).toEqual([requestId, requestId]);
}, 40000);

it('npm run token refuses a disabled login in one line, and still mints for a login that is not', async () => {
  // Prepare: `npm run token` finds a running stack's record through its runtime file; this test
  // process stands in for `npm start` (the file names its pid and the stack's record).
  const record = readLoginRecord(stack.loginRecordFile).disabled['c-boss'];
  expect(record).toBeDefined();
  const runtime = join(mkdtempSync(join(tmpdir(), 'runtime-')), 'runtime.json');
  writeFileSync(runtime, JSON.stringify({ pid: process.pid, url: stack.url, tableName: stack.tableName, queues: stack.queues, loginRecordFile: stack.loginRecordFile }));

  // Act
  const refused = runCli('infra/local/token-cli.ts', ['--runtime', runtime, '--sub', 'c-boss', '--account', 'closing', '--role', 'MASTER']);
  const minted = runCli('infra/local/token-cli.ts', ['--runtime', runtime, '--sub', 'u-stay', '--account', 'acme']);
  const [refusedExit, mintedExit] = await Promise.all([within(refused.exited, 20_000, 'refusing a token'), within(minted.exited, 20_000, 'minting a token')]);

  // Assess
  expect(refusedExit.code).not.toBe(0);
  expect(refusedExit.code).not.toBeNull();
  expect(refused.stdout()).toBe('');
  expect(ownLines(refused.stderr())).toEqual([
    `token: login c-boss of account closing was disabled by deletion request ${record!.requestId} at ${record!.disabledAt}; no token minted`,
  ]);
  expect(mintedExit.code).toBe(0);
  expect(minted.stdout()).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
}, 60000);
