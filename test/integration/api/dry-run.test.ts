import type { LocalStack } from '../../../infra/local/stack';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { call, startTestStack, tableReader } from './stack-harness';

/**
 * SPEC "Lifecycle: Dry run", through real HTTP: `?dryRun=true` answers as the real call would
 * decide (same 401/403/404/409), says what it would change, changes nothing, and is audited as
 * DRY_RUN. And SPEC "v2 and mode": a `mode` on v2 is a 400, not silently ignored.
 */

let stack: LocalStack;
let table: ReturnType<typeof tableReader>;

beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('reseller-1', null)
    .customer('reseller-2', null)
    .customer('target', 'reseller-1')
    .user('t-alice', 'target')
    .user('t-bob', 'target')
    .device('t-d1', 'target', 't-alice')
    .device('t-d2', 'target', 't-alice')
    .device('t-d3', 'target', 't-bob')
    .session('t-s1', 'target', 't-alice')
    .customer('blocked', 'reseller-1', { activeSubscriptions: 1 })
    .customer('elsewhere', 'reseller-2')
    .customer('soft-gone', 'reseller-1');
  stack = await startTestStack(seed.build());
  table = tableReader(stack);
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

const reseller = () => tokenFor({ sub: 'op-1', accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete users:delete' });

async function expectUntouched(customerId: string): Promise<void> {
  expect(await table.customer(customerId)).toMatchObject({ status: 'ACTIVE' });
  const requests = (await table.all('request')).filter((r) => (r.subject as { customerId: string }).customerId === customerId);
  expect(requests).toEqual([]);
}

describe('v1 DELETE /customer/{id}?dryRun=true', () => {
  it('says what the deletion would change, and changes nothing: no request, no event, only a DRY_RUN audit record', async () => {
    const response = await call(stack, 'DELETE', '/customer/target?dryRun=true', { token: await reseller() });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      success: true,
      dryRun: true,
      message: 'Customer can be deleted',
      impact: { users: 2, devices: 3, activeSessions: 1 },
      purgeAfter: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    // The date the real soft delete would answer: the stage's retention from now (the local stack's default, 30 days).
    const days = (Date.parse(String(response.json.purgeAfter)) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    await expectUntouched('target');
    expect((await table.all('outbox')).filter((o) => String(o.body).includes('"target"'))).toEqual([]);
    expect(await table.audits('target')).toEqual([expect.objectContaining({ action: 'customer.delete', outcome: 'DRY_RUN', actor: { sub: 'op-1', role: 'RESALE', accountId: 'reseller-1' } })]);
  });

  it.each([
    ['another reseller’s customer', '/customer/elsewhere?dryRun=true', 403, 'NOT_MANAGED'],
    ['a customer that does not exist', '/customer/nobody?dryRun=true', 404, 'CUSTOMER_NOT_FOUND'],
    ['a customer with an active subscription', '/customer/blocked?dryRun=true', 409, 'DELETION_BLOCKED'],
    ['a hard delete by a reseller', '/customer/target?dryRun=true&mode=hard', 403, 'PURGE_NOT_ALLOWED'],
    ['a dryRun that is neither true nor false', '/customer/target?dryRun=yes', 400, 'INVALID_DRY_RUN'],
  ])('refuses %s exactly as the real call would', async (_label, path, status, code) => {
    const response = await call(stack, 'DELETE', path, { token: await reseller() });

    expect(response.status).toBe(status);
    expect(response.json).toMatchObject({ success: false, code });
  });

  it('lists the blockers of a 409 as the real call does', async () => {
    const response = await call(stack, 'DELETE', '/customer/blocked?dryRun=true', { token: await reseller() });

    expect(response.json).toMatchObject({ blockers: [{ type: 'activeSubscription', id: 'subscriptions' }], blockersTotal: 1 });
  });

  it('takes dryRun=false as the real call', async () => {
    const probe = await call(stack, 'DELETE', '/customer/nobody?dryRun=false', { token: await reseller() });

    expect(probe.status).toBe(404);
  });
});

describe('dry run of a purge now (ADMIN mode=hard on a DELETED customer)', () => {
  it('answers as the purge would: 409 DELETION_IN_PROGRESS while the soft delete’s own request runs, nothing purged', async () => {
    // Prepare: soft-deleted, its cascade not run (this stack's pollers are off), so its request is IN_PROGRESS.
    expect((await call(stack, 'DELETE', '/customer/soft-gone', { token: await reseller() })).status).toBe(200);
    const admin = await tokenFor({ accountId: 'platform', role: 'ADMIN', scope: 'customers:delete customers:purge' });

    // Act
    const response = await call(stack, 'DELETE', '/customer/soft-gone?mode=hard&dryRun=true', { token: admin, body: JSON.stringify({ reason: 'GDPR' }) });

    // Assess
    expect(response.status).toBe(409);
    expect(response.json).toMatchObject({ code: 'DELETION_IN_PROGRESS' });
    expect(await table.customer('soft-gone')).toMatchObject({ status: 'DELETED' });
  });
});

describe('v2 DELETE /api/v2/customer/{c}/user/{u}?dryRun=true', () => {
  it('answers an ACK with the user’s impact and changes nothing', async () => {
    const response = await call(stack, 'DELETE', '/api/v2/customer/target/user/t-alice?dryRun=true', { token: await reseller() });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      errorCode: '',
      errorMessage: '',
      content: [{ dryRun: true, impact: { devices: 2, activeSessions: 1 } }],
      pageable: { page: 0, size: 10, totalPages: 1, totalElements: 1 },
    });
    expect(await table.user('target', 't-alice')).toMatchObject({ status: 'ACTIVE', name: expect.any(String) });
    expect((await table.audits('target')).filter((a) => a.action === 'user.delete').map((a) => a.outcome)).toEqual(['DRY_RUN']);
  });

  it('refuses as the real call would: 403 AUTH_1003 for a requestor that is not eligible', async () => {
    const response = await call(stack, 'DELETE', '/api/v2/customer/elsewhere/user/x?dryRun=true', { token: await reseller() });

    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ errorCode: 'AUTH_1003' });
  });
});

describe('v2 and mode', () => {
  it.each(['soft', 'hard', ''])('refuses mode=%j with 400 VALIDATION_1001 and erases no one', async (mode) => {
    const response = await call(stack, 'DELETE', `/api/v2/customer/target/user/t-bob?mode=${mode}`, { token: await reseller() });

    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ errorCode: 'VALIDATION_1001', errorMessage: expect.stringContaining('mode') });
    expect(await table.user('target', 't-bob')).toMatchObject({ status: 'ACTIVE', name: expect.any(String) });
  });
});
