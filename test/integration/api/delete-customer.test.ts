import type { LocalStack } from '../../../infra/local/stack';
import { MAX_TRANSACTION_ITEMS } from '../../../shared/adapters/dynamodb/deletion-store';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { call, startTestStack, tableReader } from './stack-harness';

/** Every row of SPEC.md's v1 table, through real HTTP requests on the local stack. */

let stack: LocalStack;
let table: ReturnType<typeof tableReader>;
let reseller: string;

beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('platform', null)
    .customer('reseller-1', 'platform')
    .customer('reseller-2', 'platform')
    .customer('plain', 'reseller-1')
    .customer('other-resellers', 'reseller-2')
    .customer('subscribed', 'reseller-1', { activeSubscriptions: 2 })
    .customer('has-children', 'reseller-1')
    .customer('child-live', 'has-children')
    .customer('twice', 'reseller-1')
    .customer('purge-me', 'reseller-1', { name: 'Pat Purge', email: 'pat@example.com' })
    .user('purge-user', 'purge-me')
    .customer('admin-target', 'reseller-2')
    .customer('idem', 'reseller-1')
    .customer('idem-other', 'reseller-1')
    .customer('contended', 'reseller-1')
    .customer('audited-denial', 'reseller-2')
    .customer('seed-curl', 'reseller-1')
    .customer('big-family', 'reseller-1')
    .customer('many-children', 'reseller-1', { activeSubscriptions: 1 });
  for (let i = 0; i < 120; i += 1) seed.user(`member-${i}`, 'big-family');
  for (let i = 0; i < 250; i += 1) seed.customer(`many-child-${String(i).padStart(3, '0')}`, 'many-children');
  stack = await startTestStack(seed.build());
  table = tableReader(stack);
  reseller = await tokenFor({ accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete' });
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

describe('DELETE /customer/{customerId}: 200', () => {
  it('deletes with the seed curl as written (Content-Type JSON, no body) and commits state, audit, request and outbox together', async () => {
    const liveChildrenBefore = Number((await table.customer('reseller-1'))?.liveChildren);
    // Act
    const response = await call(stack, 'DELETE', '/customer/seed-curl', { token: reseller, headers: { 'content-type': 'application/json' } });
    // Assess
    expect(response.status).toBe(200);
    expect(Object.keys(response.json)).toEqual(['success', 'message', 'deletedAt', 'requestId', 'purgeAfter']);
    expect(response.json).toMatchObject({ success: true, message: 'Customer deleted successfully' });
    const deletedAt = String(response.json.deletedAt);
    expect(new Date(deletedAt).toISOString()).toBe(deletedAt);
    // Kept for the local stack's default retention (30 days), then purged: the date is on the customer and in the purge index.
    const purgeAfter = String(response.json.purgeAfter);
    expect(new Date(purgeAfter).getTime() - new Date(deletedAt).getTime()).toBe(30 * 24 * 3600 * 1000);
    expect(await table.customer('seed-curl')).toMatchObject({ purgeAfter, purgePk: 'PURGE' });
    const requestId = String(response.json.requestId);

    expect(await table.customer('seed-curl')).toMatchObject({ status: 'DELETED', deletedAt, deletedBy: 'sub-reseller-1', deleteRequestId: requestId, email: 'seed-curl@example.com' });
    expect(await table.request(requestId)).toMatchObject({
      status: 'IN_PROGRESS',
      ownerAccountId: 'reseller-1',
      subject: { type: 'customer', customerId: 'seed-curl' },
      steps: { identity: { status: 'PENDING' }, devices: { status: 'PENDING' }, sessions: { status: 'PENDING' }, email: { status: 'PENDING' } },
    });
    expect((await table.audits('seed-curl')).map((a) => a.outcome)).toEqual(['ALLOWED']);
    const outbox = await table.outbox(requestId);
    expect(outbox.map((o) => o.queue).sort()).toEqual(['disable-logins', 'end-sessions', 'revoke-devices', 'send-email']);
    // The parent's live-children count went down in the same write.
    expect((await table.customer('reseller-1'))?.liveChildren).toBe(liveChildrenBefore - 1);
  });
});

describe('400: malformed id, body or mode', () => {
  it.each([
    ['an id with illegal characters', '/customer/bad%20id!', undefined, 'INVALID_CUSTOMER_ID'],
    ['an id over 128 characters', `/customer/${'x'.repeat(129)}`, undefined, 'INVALID_CUSTOMER_ID'],
    ['an unknown mode', '/customer/plain?mode=nuke', undefined, 'INVALID_MODE'],
    ['a body that is not JSON', '/customer/plain', '{reason:', 'INVALID_BODY'],
    ['a JSON array body', '/customer/plain', '[]', 'INVALID_BODY'],
    ['an unknown body field', '/customer/plain', '{"reason":"x","force":true}', 'INVALID_BODY'],
    ['a reason that is too long', '/customer/plain', JSON.stringify({ reason: 'r'.repeat(501) }), 'INVALID_BODY'],
    ['a ticket that is not a string', '/customer/plain', '{"ticket":42}', 'INVALID_BODY'],
  ])('refuses %s', async (_label, path, body, code) => {
    const response = await call(stack, 'DELETE', path, { token: reseller, ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}) });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ success: false, code });
    expect(String(response.json.message).length).toBeGreaterThan(5);
  });

  it('refuses a malformed Idempotency-Key', async () => {
    const response = await call(stack, 'DELETE', '/customer/plain', { token: reseller, headers: { 'idempotency-key': 'has space' } });
    expect(response.status).toBe(400);
    expect(response.json.code).toBe('INVALID_IDEMPOTENCY_KEY');
  });

  it('requires a reason for a hard delete', async () => {
    const admin = await tokenFor({ accountId: 'platform', role: 'ADMIN', scope: 'customers:delete customers:purge' });
    const response = await call(stack, 'DELETE', '/customer/plain?mode=hard', { token: admin });
    expect(response.status).toBe(400);
    expect(response.json.code).toBe('REASON_REQUIRED');
    expect((await table.customer('plain'))?.status).toBe('ACTIVE');
  });
});

describe('401: missing, malformed, expired or untrusted token', () => {
  it.each([
    ['no token', async () => undefined],
    ['garbage', async () => 'not.a.jwt'],
    ['an expired token', async () => tokenFor({ accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete', ttlSeconds: -60 })],
    ['a token for another audience', async () => tokenFor({ accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete', audience: 'someone-else' })],
    ['a token from another issuer', async () => tokenFor({ accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete', issuer: 'https://evil.example' })],
  ])('refuses %s with WWW-Authenticate', async (_label, makeToken) => {
    const token = await makeToken();
    const response = await call(stack, 'DELETE', '/customer/plain', token ? { token } : {});
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(response.json).toEqual({ success: false, message: 'Invalid or missing token', code: 'INVALID_TOKEN' });
  });
});

describe('403: role, scope or management scope', () => {
  it.each([
    ['a role that may not use v1', { role: 'SUPPORT', scope: 'customers:delete' }, '/customer/plain', 'ROLE_NOT_ALLOWED'],
    ['a missing scope', { role: 'RESALE', scope: 'users:delete' }, '/customer/plain', 'SCOPE_MISSING'],
    ['a reseller on a customer it does not manage', { role: 'RESALE', scope: 'customers:delete' }, '/customer/other-resellers', 'NOT_MANAGED'],
    ['a MASTER asking for a hard delete', { role: 'MASTER', scope: 'customers:delete customers:purge' }, '/customer/plain?mode=hard', 'PURGE_NOT_ALLOWED'],
    ['an ADMIN hard delete without the purge scope', { role: 'ADMIN', scope: 'customers:delete' }, '/customer/plain?mode=hard', 'SCOPE_MISSING'],
  ])('refuses %s', async (_label, claims, path, code) => {
    const token = await tokenFor({ accountId: 'reseller-1', ...claims });
    const response = await call(stack, 'DELETE', path, { token, body: JSON.stringify({ reason: 'test' }) });
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ success: false, code });
  });

  it('audits a denied attempt with actor, target and outcome, and leaves the customer alone', async () => {
    await call(stack, 'DELETE', '/customer/audited-denial', { token: reseller });
    expect(await table.audits('audited-denial')).toEqual([
      expect.objectContaining({
        outcome: 'DENIED',
        detail: 'NOT_MANAGED',
        action: 'customer.delete',
        actor: { sub: 'sub-reseller-1', role: 'RESALE', accountId: 'reseller-1' },
        target: { type: 'customer', customerId: 'audited-denial' },
      }),
    ]);
    expect((await table.customer('audited-denial'))?.status).toBe('ACTIVE');
  });
});

describe('404: no such customer, or already deleted', () => {
  it('is 404 for an unknown customer', async () => {
    const response = await call(stack, 'DELETE', '/customer/no-such-customer', { token: reseller });
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ success: false, code: 'CUSTOMER_NOT_FOUND' });
  });

  it('is 404 the second time', async () => {
    expect((await call(stack, 'DELETE', '/customer/twice', { token: reseller })).status).toBe(200);
    const second = await call(stack, 'DELETE', '/customer/twice', { token: reseller });
    expect(second.status).toBe(404);
    expect((await table.audits('twice')).map((a) => a.outcome).sort()).toEqual(['ALLOWED', 'NOT_FOUND']);
  });
});

describe('409: active subscription, or live sub-customers', () => {
  it('lists an active subscription as the blocker', async () => {
    const response = await call(stack, 'DELETE', '/customer/subscribed', { token: reseller });
    expect(response.status).toBe(409);
    expect(response.json).toMatchObject({ success: false, code: 'DELETION_BLOCKED', blockers: [{ type: 'activeSubscription', id: 'subscriptions' }] });
    expect((await table.customer('subscribed'))?.status).toBe('ACTIVE');
  });

  it('lists each live sub-customer, and allows the delete once they are gone', async () => {
    const blocked = await call(stack, 'DELETE', '/customer/has-children', { token: reseller });
    expect(blocked.status).toBe(409);
    expect(blocked.json.blockers).toEqual([{ type: 'subCustomer', id: 'child-live', detail: 'sub-customer is not deleted' }]);
    expect(blocked.json.blockersTotal).toBe(1);

    const childOwner = await tokenFor({ accountId: 'has-children', role: 'RESALE', scope: 'customers:delete' });
    expect((await call(stack, 'DELETE', '/customer/child-live', { token: childOwner })).status).toBe(200);
    expect((await call(stack, 'DELETE', '/customer/has-children', { token: reseller })).status).toBe(200);
  });
});

describe('409: a bounded answer however many sub-customers', () => {
  it('lists at most 100 blockers and counts them all in blockersTotal', async () => {
    const response = await call(stack, 'DELETE', '/customer/many-children', { token: reseller });

    expect(response.status).toBe(409);
    const blockers = response.json.blockers as { type: string; id?: string }[];
    expect(blockers).toHaveLength(100);
    expect(blockers[0]).toEqual({ type: 'activeSubscription', id: 'subscriptions', detail: '1 active subscription(s)' });
    expect(new Set(blockers.slice(1).map((b) => b.type))).toEqual(new Set(['subCustomer']));
    expect(response.json.blockersTotal).toBe(1 + 250);
  });

  it('no longer lists a sub-customer once it is deleted (it leaves the children index)', async () => {
    const owner = await tokenFor({ accountId: 'many-children', role: 'RESALE', scope: 'customers:delete' });
    expect((await call(stack, 'DELETE', '/customer/many-child-000', { token: owner })).status).toBe(200);

    const response = await call(stack, 'DELETE', '/customer/many-children', { token: reseller });

    expect(response.json.blockersTotal).toBe(1 + 249);
    expect((response.json.blockers as { id?: string }[]).map((b) => b.id)).not.toContain('many-child-000');
  });
});

describe('hard delete', () => {
  it('purges personal data, keeps a PII-free tombstone and the audit trail', async () => {
    const admin = await tokenFor({ accountId: 'platform', role: 'ADMIN', scope: 'customers:delete customers:purge' });
    const response = await call(stack, 'DELETE', '/customer/purge-me?mode=hard', { token: admin, body: JSON.stringify({ reason: 'GDPR Art. 17 request', ticket: 'SUP-1' }) });
    expect(response.status).toBe(200);
    const tombstone = await table.customer('purge-me');
    expect(tombstone).toMatchObject({ id: 'purge-me', status: 'PURGED', deleteMode: 'hard', deleteReason: 'GDPR Art. 17 request' });
    expect(tombstone).not.toHaveProperty('name');
    expect(tombstone).not.toHaveProperty('email');
    const user = await table.user('purge-me', 'purge-user');
    expect(user).toMatchObject({ status: 'DELETED' });
    expect(user).not.toHaveProperty('name');
    expect(user).not.toHaveProperty('email');
    expect(await table.audits('purge-me')).toEqual([expect.objectContaining({ outcome: 'ALLOWED', mode: 'hard', reason: 'GDPR Art. 17 request', ticket: 'SUP-1' })]);
    // The notice still reaches the erased address: it travels in the email event only.
    const outbox = await table.outbox(String(response.json.requestId));
    expect(JSON.parse(String(outbox.find((o) => o.queue === 'send-email')?.body)).recipient).toEqual({ email: 'pat@example.com', name: 'Pat Purge' });
  });

  it('hard-deletes a customer with more users than one transaction holds, erasing as many as the transaction has room for', async () => {
    const admin = await tokenFor({ accountId: 'platform', role: 'ADMIN', scope: 'customers:delete customers:purge' });
    const response = await call(stack, 'DELETE', '/customer/big-family?mode=hard', { token: admin, body: JSON.stringify({ reason: 'account closure' }) });
    expect(response.status).toBe(200);
    const users = await Promise.all(Array.from({ length: 120 }, (_, i) => table.user('big-family', `member-${i}`)));
    // The transaction's other items: the customer, its parent's counter, the audit record, the
    // request, one outbox event for each of the hard delete's 5 steps, and the two condition checks
    // of the actor's standing (its account and login are not otherwise in this transaction). The
    // rest of the room is the users'; those beyond it are the erasure step's (see cascade-e2e.test.ts).
    const otherItems = 1 + 1 + 1 + 1 + 5 + 2;
    expect(users.filter((u) => u?.status === 'DELETED' && !('email' in u) && !('name' in u))).toHaveLength(MAX_TRANSACTION_ITEMS - otherItems);
  });

  it('lets ADMIN and MASTER soft-delete any customer', async () => {
    const master = await tokenFor({ accountId: 'platform', role: 'MASTER', scope: 'customers:delete' });
    expect((await call(stack, 'DELETE', '/customer/admin-target', { token: master })).status).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response byte for byte and starts no second cascade', async () => {
    const headers = { 'idempotency-key': 'idem-key-1' };
    const first = await call(stack, 'DELETE', '/customer/idem', { token: reseller, headers, body: '{"reason":"closing"}' });
    const second = await call(stack, 'DELETE', '/customer/idem', { token: reseller, headers, body: '{"reason":"closing"}' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    const requests = (await table.all('request')).filter((r) => (r.subject as { customerId: string }).customerId === 'idem');
    expect(requests).toHaveLength(1);
    expect(await table.outbox(String(first.json.requestId))).toHaveLength(4);
  });

  it('refuses the same key on a different request with 422', async () => {
    const headers = { 'idempotency-key': 'idem-key-2' };
    expect((await call(stack, 'DELETE', '/customer/idem-other', { token: reseller, headers })).status).toBe(200);
    const reused = await call(stack, 'DELETE', '/customer/plain', { token: reseller, headers });
    expect(reused.status).toBe(422);
    expect(reused.json.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await table.customer('plain'))?.status).toBe('ACTIVE');
  });
});

describe('concurrency', () => {
  it('twenty concurrent deletes of one customer give exactly one deletion and one cascade, and no 5xx', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => call(stack, 'DELETE', '/customer/contended', { token: reseller })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 404 || s === 409)).toBe(true);
    const requests = (await table.all('request')).filter((r) => (r.subject as { customerId: string }).customerId === 'contended');
    expect(requests).toHaveLength(1);
    expect(await table.outbox(String(requests[0]?.requestId))).toHaveLength(4);
    expect((await table.audits('contended')).filter((a) => a.outcome === 'ALLOWED')).toHaveLength(1);
  });
});

describe('routing', () => {
  it('answers an unknown route with a 404 JSON body', async () => {
    const response = await call(stack, 'DELETE', '/customers/plain', { token: reseller });
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ message: 'Not Found' });
  });
});
