import type { LocalStack } from '../../../infra/local/stack';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { call, startTestStack, tableReader } from './stack-harness';

/** API v2 through real HTTP: each eligibility case and each error code of SPEC.md's table. */

let stack: LocalStack;
let table: ReturnType<typeof tableReader>;

// grandparent → parent → child → grandchild, and parent's sibling.
beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('grandparent', null)
    .customer('parent', 'grandparent')
    .customer('sibling', 'grandparent')
    .customer('child', 'parent')
    .customer('grandchild', 'child')
    .customer('gone', 'parent')
    .user('u-parent', 'parent')
    .user('u-parent-2', 'parent')
    .user('u-child', 'child')
    .user('u-child-idem', 'child')
    .user('u-child-race', 'child')
    .user('u-grandchild', 'grandchild')
    .user('u-sibling', 'sibling')
    .user('u-gone', 'gone')
    .device('d-child', 'child', 'u-child')
    .build();
  stack = await startTestStack(seed);
  table = tableReader(stack);
  // A deleted customer for CUSTOMER_1002.
  const admin = await tokenFor({ accountId: 'grandparent', role: 'ADMIN', scope: 'customers:delete' });
  const deleted = await call(stack, 'DELETE', '/customer/gone', { token: admin });
  if (deleted.status !== 200) throw new Error(`setup: could not delete customer 'gone' (${deleted.status})`);
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

const parentToken = () => tokenFor({ accountId: 'parent', role: 'RESALE', scope: 'users:delete' });

describe('success ACK', () => {
  it('answers with exactly the envelope of SPEC.md and commits the user deletion', async () => {
    const response = await call(stack, 'DELETE', '/api/v2/customer/child/user/u-child', { token: await parentToken() });
    expect(response.status).toBe(200);
    const requestId = (response.json.content as { requestId: string }[])[0]?.requestId;
    expect(response.text).toBe(
      JSON.stringify({ errorCode: '', errorMessage: '', content: [{ requestId }], pageable: { page: 0, size: 10, totalPages: 1, totalElements: 1 } }),
    );
    const user = await table.user('child', 'u-child');
    expect(user).toMatchObject({ status: 'DELETED', deleteRequestId: requestId });
    expect(user).not.toHaveProperty('email');
    expect(await table.request(requestId!)).toMatchObject({ status: 'IN_PROGRESS', ownerAccountId: 'parent', subject: { type: 'user', customerId: 'child', userId: 'u-child' } });
    expect((await table.audits('child')).filter((a) => a.action === 'user.delete' && a.outcome === 'ALLOWED')).toHaveLength(1);
    expect(await table.outbox(requestId!)).toHaveLength(4);
  });

  it('lets a requestor delete a user of its own account', async () => {
    expect((await call(stack, 'DELETE', '/api/v2/customer/parent/user/u-parent', { token: await parentToken() })).status).toBe(200);
  });
});

describe('eligibility', () => {
  it.each([
    ['a grandchild', 'grandchild', 'u-grandchild', 'parent'],
    ['its parent (a child acting on its parent)', 'parent', 'u-parent-2', 'child'],
    ['a sibling', 'sibling', 'u-sibling', 'parent'],
    ['a grandparent two levels down', 'child', 'u-child-idem', 'grandparent'],
  ])('refuses a user of %s with AUTH_1003', async (_label, customerId, userId, accountId) => {
    const token = await tokenFor({ accountId, role: 'RESALE', scope: 'users:delete' });
    const response = await call(stack, 'DELETE', `/api/v2/customer/${customerId}/user/${userId}`, { token });
    expect(response.status).toBe(403);
    expect(response.text).toBe(JSON.stringify({ errorCode: 'AUTH_1003', errorMessage: 'Requestor is not eligible', content: '', pageable: '' }));
    expect((await table.user(customerId, userId))?.status).toBe('ACTIVE');
  });

  it('refuses a token without the users:delete scope with AUTH_1003', async () => {
    const token = await tokenFor({ accountId: 'parent', role: 'RESALE', scope: 'customers:delete' });
    const response = await call(stack, 'DELETE', '/api/v2/customer/child/user/u-child-idem', { token });
    expect(response.status).toBe(403);
    expect(response.json.errorCode).toBe('AUTH_1003');
  });
});

describe('failure NAKs', () => {
  it.each([
    ['CUSTOMER_1002 for an unknown customer', '/api/v2/customer/nobody/user/u-x', 404, 'CUSTOMER_1002', 'Customer does not exist'],
    ['CUSTOMER_1002 for a deleted customer', '/api/v2/customer/gone/user/u-gone', 404, 'CUSTOMER_1002', 'Customer does not exist'],
    ['USER_1002 for an unknown user', '/api/v2/customer/child/user/nobody', 404, 'USER_1002', 'User does not exist'],
    ['USER_1002 for a user of another customer', '/api/v2/customer/child/user/u-parent-2', 404, 'USER_1002', 'User does not exist'],
    ['USER_1002 for an already deleted user', '/api/v2/customer/parent/user/u-parent', 404, 'USER_1002', 'User does not exist'],
  ])('%s', async (_label, path, status, errorCode, errorMessage) => {
    const response = await call(stack, 'DELETE', path, { token: await parentToken() });
    expect(response.status).toBe(status);
    expect(response.text).toBe(JSON.stringify({ errorCode, errorMessage, content: '', pageable: '' }));
  });

  it('AUTH_1001 for a missing or expired token', async () => {
    for (const token of [undefined, await tokenFor({ accountId: 'parent', scope: 'users:delete', ttlSeconds: -30 })]) {
      const response = await call(stack, 'DELETE', '/api/v2/customer/child/user/u-child-idem', token ? { token } : {});
      expect(response.status).toBe(401);
      expect(response.text).toBe(JSON.stringify({ errorCode: 'AUTH_1001', errorMessage: 'Unauthorized', content: '', pageable: '' }));
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }
  });

  it('VALIDATION_1001 naming what is malformed', async () => {
    const response = await call(stack, 'DELETE', '/api/v2/customer/child/user/bad%20user', { token: await parentToken() });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ errorCode: 'VALIDATION_1001', content: '', pageable: '' });
    expect(String(response.json.errorMessage)).toContain('userId');
  });
});

describe('Idempotency-Key and concurrency', () => {
  it('replays the first ACK byte for byte', async () => {
    const token = await parentToken();
    const headers = { 'idempotency-key': 'v2-key-1' };
    const first = await call(stack, 'DELETE', '/api/v2/customer/child/user/u-child-idem', { token, headers });
    const second = await call(stack, 'DELETE', '/api/v2/customer/child/user/u-child-idem', { token, headers });
    expect(first.status).toBe(200);
    expect(second.text).toBe(first.text);
  });

  it('ten concurrent deletes of one user give one deletion, the others USER_1002', async () => {
    const token = await parentToken();
    const responses = await Promise.all(Array.from({ length: 10 }, () => call(stack, 'DELETE', '/api/v2/customer/child/user/u-child-race', { token })));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 404 && r.json.errorCode === 'USER_1002')).toHaveLength(9);
  });
});

describe('GET /api/v2/requests/{requestId}', () => {
  it('shows the requestor its request with each step; anyone else gets 404', async () => {
    const token = await parentToken();
    const deleted = await call(stack, 'DELETE', '/api/v2/customer/child/user/u-child-idem', { token, headers: { 'idempotency-key': 'v2-key-1' } });
    const requestId = (deleted.json.content as { requestId: string }[])[0]!.requestId;

    const mine = await call(stack, 'GET', `/api/v2/requests/${requestId}`, { token });
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({ errorCode: '', errorMessage: '', pageable: { page: 0, size: 10, totalPages: 1, totalElements: 1 } });
    const [view] = mine.json.content as Record<string, unknown>[];
    expect(view).toMatchObject({
      requestId,
      type: 'user.delete',
      status: 'IN_PROGRESS',
      subject: { type: 'user', customerId: 'child', userId: 'u-child-idem' },
      steps: {
        identity: { status: 'PENDING', attempts: 0, lastError: null },
        devices: { status: 'PENDING', attempts: 0, lastError: null },
        sessions: { status: 'PENDING', attempts: 0, lastError: null },
        email: { status: 'PENDING', attempts: 0, lastError: null },
      },
    });
    // A user deletion runs exactly the steps that declare they join it: no erasure (its transaction erases the user).
    expect(Object.keys(view?.steps as object).sort()).toEqual(['devices', 'email', 'identity', 'sessions']);
    expect(view).toHaveProperty('createdAt');
    expect(view).toHaveProperty('updatedAt');

    const admin = await tokenFor({ accountId: 'grandparent', role: 'ADMIN' });
    expect((await call(stack, 'GET', `/api/v2/requests/${requestId}`, { token: admin })).status).toBe(200);

    const stranger = await tokenFor({ accountId: 'sibling', role: 'MASTER' });
    const hidden = await call(stack, 'GET', `/api/v2/requests/${requestId}`, { token: stranger });
    const missing = await call(stack, 'GET', '/api/v2/requests/00000000-0000-4000-8000-000000000000', { token: stranger });
    expect(hidden.status).toBe(404);
    expect(hidden.text).toBe(missing.text);
    expect(hidden.json.errorCode).toBe('REQUEST_1002');
  });
});
