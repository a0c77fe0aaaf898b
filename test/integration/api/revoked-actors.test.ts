import type { LocalStack } from '../../../infra/local/stack';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { call, startTestStack, tableReader } from './stack-harness';

/**
 * SPEC "Revoked actors", through real HTTP: a deletion ends access to this API at once, whatever
 * the token's remaining lifetime. Reseller r-1 deletes its own login u-r1; u-r1's still-valid token
 * is then refused everywhere, while r-1's other login and other accounts' logins act as before.
 */

let stack: LocalStack;
let table: ReturnType<typeof tableReader>;
const RACES = 8;

beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('r-1', null)
    .user('u-r1', 'r-1')
    .user('u-r1b', 'r-1')
    .customer('c-5', 'r-1')
    .user('u-c5', 'c-5')
    .customer('c-6', 'r-1')
    .customer('acct-x', 'r-1')
    .user('u-x', 'acct-x')
    .customer('r-2', null)
    .user('u-r2', 'r-2')
    .customer('c-7', 'r-2');
  for (let i = 0; i < RACES; i += 1) seed.user(`u-race-${i}`, 'r-2').customer(`c-race-${i}`, 'r-2');
  stack = await startTestStack(seed.build());
  table = tableReader(stack);
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

const ALL_SCOPES = 'customers:delete users:delete';
const login = (sub: string, accountId: string, scope = ALL_SCOPES) => tokenFor({ sub, accountId, role: 'RESALE', scope });

describe('a deleted login', () => {
  let deletionRequestId: string;

  beforeAll(async () => {
    const deleted = await call(stack, 'DELETE', '/api/v2/customer/r-1/user/u-r1', { token: await login('u-r1b', 'r-1') });
    if (deleted.status !== 200) throw new Error(`setup: could not delete login u-r1 (${deleted.status})`);
    deletionRequestId = (deleted.json.content as { requestId: string }[])[0]!.requestId;
  });

  it('is refused by v1 at once: 401 TOKEN_REVOKED with invalid_token, the target untouched, the attempt audited', async () => {
    const response = await call(stack, 'DELETE', '/customer/c-5', { token: await login('u-r1', 'r-1') });

    expect(response.status).toBe(401);
    expect(response.json).toEqual({ success: false, message: 'Invalid or missing token', code: 'TOKEN_REVOKED' });
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await table.customer('c-5')).toMatchObject({ status: 'ACTIVE' });
    expect(await table.audits('c-5')).toEqual([expect.objectContaining({ outcome: 'DENIED', detail: 'TOKEN_REVOKED', actor: { sub: 'u-r1', role: 'RESALE', accountId: 'r-1' } })]);
  });

  it('is refused by v2: 401 AUTH_1001', async () => {
    const response = await call(stack, 'DELETE', '/api/v2/customer/c-5/user/u-c5', { token: await login('u-r1', 'r-1') });

    expect(response.status).toBe(401);
    expect(response.json).toEqual({ errorCode: 'AUTH_1001', errorMessage: 'Unauthorized', content: '', pageable: '' });
    expect(await table.user('c-5', 'u-c5')).toMatchObject({ status: 'ACTIVE' });
  });

  it('is refused by the status endpoint, even for the request that deleted it', async () => {
    const response = await call(stack, 'GET', `/api/v2/requests/${deletionRequestId}`, { token: await login('u-r1', 'r-1') });

    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ errorCode: 'AUTH_1001' });
  });

  it.each([
    ['its scope is also missing (403 otherwise)', '/customer/c-5', ''],
    ['the id is also malformed (400 otherwise)', '/customer/not%20an%20id', ALL_SCOPES],
    ['the customer does not exist (404 otherwise)', '/customer/no-such-customer', ALL_SCOPES],
  ])('is a 401 when %s', async (_label, path, scope) => {
    const response = await call(stack, 'DELETE', path, { token: await login('u-r1', 'r-1', scope) });

    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ code: 'TOKEN_REVOKED' });
  });

  it('leaves the account’s other login acting as before', async () => {
    const response = await call(stack, 'DELETE', '/customer/c-6', { token: await login('u-r1b', 'r-1') });

    expect(response.status).toBe(200);
  });

  it('leaves another account’s login acting as before', async () => {
    const response = await call(stack, 'DELETE', '/customer/c-7', { token: await login('u-r2', 'r-2') });

    expect(response.status).toBe(200);
  });

  it('does not refuse a sub or an account the table does not know (platform staff)', async () => {
    const admin = await tokenFor({ sub: 'staff-1', accountId: 'platform', role: 'ADMIN' });

    const response = await call(stack, 'GET', `/api/v2/requests/${deletionRequestId}`, { token: admin });

    expect(response.status).toBe(200);
  });
});

describe('a deleted account', () => {
  it('refuses every login of a customer once it is soft-deleted, on writes and reads', async () => {
    const deleted = await call(stack, 'DELETE', '/customer/acct-x', { token: await login('u-r1b', 'r-1') });
    expect(deleted.status).toBe(200);
    const requestId = String(deleted.json.requestId);
    const token = await login('u-x', 'acct-x');

    const write = await call(stack, 'DELETE', '/api/v2/customer/acct-x/user/u-x', { token });
    const read = await call(stack, 'GET', `/api/v2/requests/${requestId}`, { token });

    expect(write.status).toBe(401);
    expect(read.status).toBe(401);
    expect(await table.user('acct-x', 'u-x')).toMatchObject({ status: 'ACTIVE', name: expect.any(String) });
  });
});

describe('concurrency', () => {
  it('settles a race between "delete login X" and "X deletes customer Y" with no 5xx: X acts (before) or is refused (after)', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: RACES }, async (_, i) => {
        const [deleteLogin, loginDeletes] = await Promise.all([
          call(stack, 'DELETE', `/api/v2/customer/r-2/user/u-race-${i}`, { token: await login('u-r2', 'r-2') }),
          call(stack, 'DELETE', `/customer/c-race-${i}`, { token: await login(`u-race-${i}`, 'r-2') }),
        ]);
        return { deleteLogin, loginDeletes, i };
      }),
    );

    for (const { deleteLogin, loginDeletes, i } of outcomes) {
      expect(deleteLogin.status).toBe(200);
      expect([200, 401]).toContain(loginDeletes.status);
      // X's deletion of Y happened exactly when it answered 200: its transaction carried X's standing.
      expect((await table.customer(`c-race-${i}`))?.status).toBe(loginDeletes.status === 200 ? 'DELETED' : 'ACTIVE');
    }
  });
});
