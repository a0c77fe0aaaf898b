import type { LocalStack } from '../../../infra/local/stack';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { call, startTestStack, tableReader } from './stack-harness';

/**
 * SPEC "Lifecycle" — legal hold, through real HTTP on the local stack: `PUT` places (again: replaces
 * reason and ticket), `DELETE` releases; ADMIN only with `customers:hold`; 404 unknown, 409
 * NO_LEGAL_HOLD, 410 on a PURGED customer; each change audited in its own transaction; a held
 * customer can still be soft-deleted and restored.
 */

let stack: LocalStack;
let table: ReturnType<typeof tableReader>;

beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('reseller-1', null)
    .user('u-reseller', 'reseller-1')
    .customer('held', 'reseller-1')
    .customer('replaced', 'reseller-1')
    .customer('released', 'reseller-1')
    .customer('never-held', 'reseller-1')
    .customer('purged', 'reseller-1')
    .customer('soft-then-back', 'reseller-1')
    .customer('doomed-account', 'reseller-1')
    .user('u-doomed', 'doomed-account');
  stack = await startTestStack(seed.build());
  table = tableReader(stack);
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

const admin = () => tokenFor({ sub: 'admin-1', accountId: 'platform', role: 'ADMIN', scope: 'customers:hold customers:delete customers:purge customers:restore' });
const put = async (id: string, body: unknown, token?: string) =>
  call(stack, 'PUT', `/customer/${id}/legal-hold`, { token: token ?? (await admin()), body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const release = async (id: string, token?: string) => call(stack, 'DELETE', `/customer/${id}/legal-hold`, { token: token ?? (await admin()) });

describe('PUT /customer/{id}/legal-hold', () => {
  it('places a hold: 200 with the hold, the customer item carries it, audited ALLOWED', async () => {
    const response = await put('held', { reason: 'litigation 2026-17', ticket: 'LEGAL-1' });

    expect(response.status).toBe(200);
    const legalHold = { placedAt: expect.any(String), placedBy: 'admin-1', reason: 'litigation 2026-17', ticket: 'LEGAL-1' };
    expect(response.json).toEqual({ success: true, message: 'Legal hold placed', legalHold });
    expect(Number.isNaN(Date.parse(String((response.json.legalHold as { placedAt: string }).placedAt)))).toBe(false);
    expect((await table.customer('held'))?.legalHold).toEqual(response.json.legalHold);
    expect(await table.audits('held')).toEqual([
      expect.objectContaining({ action: 'legal-hold.place', outcome: 'ALLOWED', reason: 'litigation 2026-17', ticket: 'LEGAL-1', actor: { sub: 'admin-1', role: 'ADMIN', accountId: 'platform' } }),
    ]);
  });

  it('placing again replaces the reason and ticket (200)', async () => {
    expect((await put('replaced', { reason: 'first', ticket: 'T-1' })).status).toBe(200);

    const again = await put('replaced', { reason: 'second' });

    expect(again.status).toBe(200);
    expect(again.json.legalHold).toEqual({ placedAt: expect.any(String), placedBy: 'admin-1', reason: 'second' });
    expect((await table.customer('replaced'))?.legalHold).toEqual(again.json.legalHold);
    expect((await table.audits('replaced')).map((a) => a.action)).toEqual(['legal-hold.place', 'legal-hold.place']);
  });

  it('is a 400 REASON_REQUIRED without a reason, and 400 wins over the 403 of a non-ADMIN', async () => {
    const master = await tokenFor({ accountId: 'platform', role: 'MASTER', scope: 'customers:hold' });

    const noReason = await put('never-held', { ticket: 'T-2' });
    const noBody = await call(stack, 'PUT', '/customer/never-held/legal-hold', { token: await admin() });
    const masterNoReason = await put('never-held', {}, master);

    expect(noReason.status).toBe(400);
    expect(noReason.json).toEqual({ success: false, message: 'A reason is required to place a legal hold', code: 'REASON_REQUIRED' });
    expect(noBody.status).toBe(400);
    expect(masterNoReason.status).toBe(400);
    expect((await table.customer('never-held'))?.legalHold).toBeUndefined();
  });

  it.each([
    ['MASTER', 'customers:hold', 'ROLE_NOT_ALLOWED'],
    ['RESALE', 'customers:hold', 'ROLE_NOT_ALLOWED'],
    ['ADMIN', 'customers:delete customers:purge', 'SCOPE_MISSING'],
  ])('is a 403 for %s [%s]: %s, audited DENIED', async (role, scope, code) => {
    const token = await tokenFor({ accountId: 'reseller-1', role, scope });

    const response = await put('never-held', { reason: 'x' }, token);

    expect(response.status).toBe(403);
    expect(response.json).toEqual({ success: false, message: expect.any(String), code });
    expect((await table.customer('never-held'))?.legalHold).toBeUndefined();
    expect(await table.audits('never-held')).toContainEqual(expect.objectContaining({ action: 'legal-hold.place', outcome: 'DENIED', detail: code }));
  });

  it('is a 404 for an unknown customer, audited NOT_FOUND, nothing created', async () => {
    const response = await put('no-such-customer', { reason: 'x' });

    expect(response.status).toBe(404);
    expect(response.json).toEqual({ success: false, message: 'Customer not found', code: 'CUSTOMER_NOT_FOUND' });
    expect(await table.customer('no-such-customer')).toBeUndefined();
    expect(await table.audits('no-such-customer')).toEqual([expect.objectContaining({ outcome: 'NOT_FOUND', detail: 'CUSTOMER_NOT_FOUND' })]);
  });

  it('is a 400 for a malformed id', async () => {
    const response = await put('not%20an%20id', { reason: 'x' });

    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ code: 'INVALID_CUSTOMER_ID' });
  });

  it('is a 401 without a token', async () => {
    const response = await call(stack, 'PUT', '/customer/held/legal-hold', { body: JSON.stringify({ reason: 'x' }) });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });
});

describe('DELETE /customer/{id}/legal-hold', () => {
  it('releases a hold: 200, the attribute gone, audited', async () => {
    expect((await put('released', { reason: 'audit' })).status).toBe(200);

    const response = await release('released');

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ success: true, message: 'Legal hold released' });
    expect(await table.customer('released')).not.toHaveProperty('legalHold');
    expect((await table.audits('released')).map((a) => [a.action, a.outcome])).toEqual([
      ['legal-hold.place', 'ALLOWED'],
      ['legal-hold.release', 'ALLOWED'],
    ]);
  });

  it('is a 409 NO_LEGAL_HOLD when there is none', async () => {
    const response = await release('never-held');

    expect(response.status).toBe(409);
    expect(response.json).toEqual({ success: false, message: 'Customer has no legal hold', code: 'NO_LEGAL_HOLD' });
  });

  it('is a 404 for an unknown customer', async () => {
    expect((await release('no-such-customer')).json).toMatchObject({ code: 'CUSTOMER_NOT_FOUND' });
  });

  it('is a 403 for a non-ADMIN', async () => {
    const response = await release('held', await tokenFor({ accountId: 'platform', role: 'MASTER', scope: 'customers:hold' }));

    expect(response.status).toBe(403);
    expect((await table.customer('held'))?.legalHold).toBeDefined();
  });
});

describe('a PURGED customer', () => {
  beforeAll(async () => {
    const purged = await call(stack, 'DELETE', '/customer/purged?mode=hard', { token: await admin(), body: JSON.stringify({ reason: 'GDPR erasure' }) });
    if (purged.status !== 200) throw new Error(`setup: could not purge (${purged.status})`);
  });

  it('is a 410 PURGED for placing and for releasing', async () => {
    const placing = await put('purged', { reason: 'too late' });
    const releasing = await release('purged');

    for (const response of [placing, releasing]) {
      expect(response.status).toBe(410);
      expect(response.json).toEqual({ success: false, message: expect.any(String), code: 'PURGED' });
    }
    expect(await table.customer('purged')).not.toHaveProperty('legalHold');
  });
});

describe('a held customer', () => {
  it('can still be soft-deleted and restored, keeping its hold', async () => {
    expect((await put('soft-then-back', { reason: 'investigation' })).status).toBe(200);

    const deleted = await call(stack, 'DELETE', '/customer/soft-then-back', { token: await admin() });
    const restored = await call(stack, 'POST', '/customer/soft-then-back/restore', { token: await admin() });

    expect([deleted.status, restored.status]).toEqual([200, 200]);
    expect(await table.customer('soft-then-back')).toMatchObject({ status: 'ACTIVE', legalHold: { reason: 'investigation' } });
  });
});

describe('revoked actors', () => {
  it('refuses a login of a soft-deleted account with 401 TOKEN_REVOKED, even as ADMIN and with a malformed body', async () => {
    const reseller = await tokenFor({ sub: 'u-reseller', accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete' });
    expect((await call(stack, 'DELETE', '/customer/doomed-account', { token: reseller })).status).toBe(200);
    const revoked = await tokenFor({ sub: 'u-doomed', accountId: 'doomed-account', role: 'ADMIN', scope: 'customers:hold' });

    const placing = await put('never-held', { reason: 'x' }, revoked);
    const noReason = await put('never-held', {}, revoked);
    const releasing = await release('held', revoked);

    for (const response of [placing, noReason, releasing]) {
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ code: 'TOKEN_REVOKED' });
    }
    expect((await table.customer('held'))?.legalHold).toBeDefined();
    expect(await table.audits('held')).toContainEqual(expect.objectContaining({ action: 'legal-hold.release', outcome: 'DENIED', detail: 'TOKEN_REVOKED' }));
  });
});
