import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../infra/local/stack';
import { DynamoDeletionStore } from '../../../shared/adapters/dynamodb/deletion-store';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import type { AuditRecord } from '../../../shared/domain/deletion-ports';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { testClients } from '../support/emulators';
import { call, startTestStack } from './stack-harness';

/**
 * SPEC "Reading state, evidence and visibility" through real HTTP on the local stack:
 * `GET /customer/{id}` (state and counts; no PII once PURGED) and `GET /api/v2/customer/{id}/audit`
 * (newest first, denied attempts included, a real pageable), with SPEC's "Which answer wins":
 * 401 revoked > 400 > 403 scope > 404 (missing, or outside the caller's reach: the same answer).
 */

let stack: LocalStack;
const AUDITED = 'c-audited';
const SEEDED_RECORDS = 23;

beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('reseller-1', null)
    .user('op-1', 'reseller-1')
    .user('op-gone', 'reseller-1')
    .customer('reseller-2', null)
    .user('op-2', 'reseller-2')
    .customer('c-counted', 'reseller-1', { activeSubscriptions: 2 })
    .customer('c-counted-sub', 'c-counted')
    .user('u-a', 'c-counted')
    .user('u-b', 'c-counted')
    .device('d-1', 'c-counted', 'u-a')
    .device('d-2', 'c-counted', 'u-b')
    .session('s-1', 'c-counted', 'u-a')
    .customer('c-purged', 'reseller-1')
    .user('u-p', 'c-purged')
    .customer(AUDITED, 'reseller-1')
    .customer('c-elsewhere', 'reseller-2');
  stack = await startTestStack(seed.build());
  const { doc } = testClients();
  // What the cascade leaves behind: a revoked device and a terminated session.
  await doc.send(new PutCommand({ TableName: stack.tableName, Item: { ...keys.device('c-counted', 'd-3'), entityType: 'device', id: 'd-3', customerId: 'c-counted', status: 'REVOKED' } }));
  await doc.send(new PutCommand({ TableName: stack.tableName, Item: { ...keys.session('c-counted', 's-2'), entityType: 'session', id: 's-2', customerId: 'c-counted', status: 'TERMINATED' } }));
  // An older trail for c-audited, one record a second, oldest first.
  const store = new DynamoDeletionStore(doc, stack.tableName);
  for (let i = 0; i < SEEDED_RECORDS; i += 1) await store.writeAudit(seededRecord(i));
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

function seededRecord(i: number): AuditRecord {
  return {
    auditId: `seeded-${String(i).padStart(2, '0')}`,
    at: `2020-01-01T00:00:${String(i).padStart(2, '0')}.000Z`,
    actor: { sub: 'op-1', role: 'RESALE', accountId: 'reseller-1' },
    target: { type: 'customer', customerId: AUDITED },
    action: 'customer.delete',
    mode: 'soft',
    reason: i === 0 ? 'first' : null,
    ticket: null,
    outcome: 'CONFLICT',
    detail: 'activeSubscription',
    correlationId: `corr-${i}`,
  };
}

const reader = (sub: string, accountId: string, role: string, scope: string) => tokenFor({ sub, accountId, role, scope });
const reseller1 = (scope = 'customers:read audit:read customers:delete users:delete') => reader('op-1', 'reseller-1', 'RESALE', scope);
const admin = (scope = 'customers:read audit:read customers:delete customers:purge') => reader('admin-1', 'platform', 'ADMIN', scope);

describe('GET /customer/{customerId}', () => {
  it('answers a managed customer’s state with its counts and its live sub-customers', async () => {
    // A deletion first: login u-b of c-counted, deleted through v2 (one transaction).
    const deleted = await call(stack, 'DELETE', '/api/v2/customer/c-counted/user/u-b', { token: await reseller1() });
    expect(deleted.status).toBe(200);

    const response = await call(stack, 'GET', '/customer/c-counted', { token: await reseller1('customers:read') });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      success: true,
      customer: {
        id: 'c-counted',
        parentId: 'reseller-1',
        status: 'ACTIVE',
        name: 'Name of c-counted',
        email: 'c-counted@example.com',
        activeSubscriptions: 2,
        liveSubCustomers: 1,
        users: { active: 1, deleted: 1 },
        devices: { active: 2, revoked: 1 },
        sessions: { active: 1, terminated: 1 },
      },
    });
  });

  it('shows a PURGED customer without its name or email, with its deletion time', async () => {
    const purged = await call(stack, 'DELETE', '/customer/c-purged?mode=hard', { token: await admin(), body: JSON.stringify({ reason: 'GDPR' }) });
    expect(purged.status).toBe(200);

    const response = await call(stack, 'GET', '/customer/c-purged', { token: await admin('customers:read') });

    expect(response.status).toBe(200);
    const customer = response.json.customer as Record<string, unknown>;
    expect(customer).toMatchObject({ id: 'c-purged', parentId: 'reseller-1', status: 'PURGED', deletedAt: purged.json.deletedAt, users: { active: 0, deleted: 1 } });
    expect(customer).not.toHaveProperty('name');
    expect(customer).not.toHaveProperty('email');
    expect(response.text).not.toContain('example.com');
  });

  it('lets ADMIN and MASTER read any customer', async () => {
    for (const token of [await admin('customers:read'), await reader('m-1', 'platform', 'MASTER', 'customers:read')]) {
      const response = await call(stack, 'GET', '/customer/c-elsewhere', { token });
      expect(response.status).toBe(200);
      expect(response.json.customer).toMatchObject({ id: 'c-elsewhere', parentId: 'reseller-2', status: 'ACTIVE' });
    }
  });

  it('answers the same 404 for another reseller’s customer and for a missing one', async () => {
    const elsewhere = await call(stack, 'GET', '/customer/c-elsewhere', { token: await reseller1('customers:read') });
    const missing = await call(stack, 'GET', '/customer/no-such-customer', { token: await reseller1('customers:read') });

    expect(elsewhere.status).toBe(404);
    expect(elsewhere.json).toEqual({ success: false, message: 'Customer not found', code: 'CUSTOMER_NOT_FOUND' });
    expect(missing.status).toBe(404);
    expect(missing.text).toBe(elsewhere.text);
  });

  it('is a 403 without scope customers:read, and for a role other than the v1 roles', async () => {
    const noScope = await call(stack, 'GET', '/customer/c-counted', { token: await reseller1('customers:delete audit:read') });
    const otherRole = await call(stack, 'GET', '/customer/c-counted', { token: await reader('s-1', 'platform', 'SUPPORT', 'customers:read') });

    expect(noScope.status).toBe(403);
    expect(noScope.json).toMatchObject({ success: false, code: 'SCOPE_MISSING' });
    expect(otherRole.status).toBe(403);
    expect(otherRole.json).toMatchObject({ success: false, code: 'ROLE_NOT_ALLOWED' });
  });

  it('is a 400 for a malformed id, and a 401 without a token', async () => {
    const malformed = await call(stack, 'GET', '/customer/not%20an%20id', { token: await reseller1('customers:read') });
    const anonymous = await call(stack, 'GET', '/customer/c-counted');

    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ code: 'INVALID_CUSTOMER_ID' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });
});

describe('GET /api/v2/customer/{customerId}/audit', () => {
  let apiRecords: { denied: string; dryRun: string };

  beforeAll(async () => {
    // Two attempts through the API, newer than the seeded trail: a denied one (another reseller) and a dry run.
    const denied = await call(stack, 'DELETE', `/customer/${AUDITED}`, { token: await reader('op-2', 'reseller-2', 'RESALE', 'customers:delete') });
    const dryRun = await call(stack, 'DELETE', `/customer/${AUDITED}?dryRun=true`, { token: await reseller1() });
    if (denied.status !== 403 || dryRun.status !== 200) throw new Error(`setup: ${denied.status} ${dryRun.status}`);
    apiRecords = { denied: 'DENIED', dryRun: 'DRY_RUN' };
  });

  const trail = async (query: string, token?: string) => call(stack, 'GET', `/api/v2/customer/${AUDITED}/audit${query}`, { token: token ?? (await reseller1('audit:read')) });

  it('answers the newest records first, denied attempts included, in the v2 envelope with a real pageable', async () => {
    const response = await trail('?page=0&size=10');

    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ errorCode: '', errorMessage: '', pageable: { page: 0, size: 10, totalPages: 3, totalElements: 25 } });
    const content = response.json.content as Record<string, unknown>[];
    expect(content).toHaveLength(10);
    expect(content[0]).toMatchObject({ action: 'customer.delete', outcome: apiRecords.dryRun, actor: { sub: 'op-1', role: 'RESALE', accountId: 'reseller-1' } });
    expect(content[1]).toMatchObject({ action: 'customer.delete', outcome: apiRecords.denied, detail: 'NOT_MANAGED', actor: { sub: 'op-2', role: 'RESALE', accountId: 'reseller-2' } });
    expect(content.slice(2).map((r) => r.auditId)).toEqual(['seeded-22', 'seeded-21', 'seeded-20', 'seeded-19', 'seeded-18', 'seeded-17', 'seeded-16', 'seeded-15']);
    expect(content[2]).toEqual({
      auditId: 'seeded-22',
      at: '2020-01-01T00:00:22.000Z',
      actor: { sub: 'op-1', role: 'RESALE', accountId: 'reseller-1' },
      action: 'customer.delete',
      mode: 'soft',
      outcome: 'CONFLICT',
      detail: 'activeSubscription',
    });
    expect(response.text).not.toContain('correlationId');
    expect(response.text).not.toContain('AUDIT#');
  });

  it('walks the pages: every record once, in order, the last page short and the one after it empty', async () => {
    const pages = await Promise.all([0, 1, 2, 3].map((page) => trail(`?page=${page}&size=10`)));

    expect(pages.map((p) => (p.json.content as unknown[]).length)).toEqual([10, 10, 5, 0]);
    for (const [page, response] of pages.entries()) expect(response.json.pageable).toEqual({ page, size: 10, totalPages: 3, totalElements: 25 });
    const ids = pages.flatMap((p) => (p.json.content as { auditId: string; at: string }[]).map((r) => r.auditId));
    expect(new Set(ids).size).toBe(25);
    expect(ids.slice(2)).toEqual(Array.from({ length: SEEDED_RECORDS }, (_, i) => `seeded-${String(SEEDED_RECORDS - 1 - i).padStart(2, '0')}`));
    const last = (pages[2]!.json.content as { auditId: string; reason?: string }[]).at(-1);
    expect(last).toMatchObject({ auditId: 'seeded-00', reason: 'first' });
  });

  it('defaults to page 0 of 20, and serves size 100 and size 1', async () => {
    const byDefault = await trail('');
    const hundred = await trail('?size=100');
    const one = await trail('?page=24&size=1');

    expect(byDefault.json.pageable).toEqual({ page: 0, size: 20, totalPages: 2, totalElements: 25 });
    expect(byDefault.json.content).toHaveLength(20);
    expect(hundred.json.content).toHaveLength(25);
    expect(hundred.json.pageable).toEqual({ page: 0, size: 100, totalPages: 1, totalElements: 25 });
    expect((one.json.content as { auditId: string }[]).map((r) => r.auditId)).toEqual(['seeded-00']);
  });

  it('answers an empty trail with no pages', async () => {
    const response = await call(stack, 'GET', '/api/v2/customer/c-elsewhere/audit', { token: await admin('audit:read') });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ errorCode: '', errorMessage: '', content: [], pageable: { page: 0, size: 20, totalPages: 0, totalElements: 0 } });
  });

  it.each([
    ['size 101', '?size=101'],
    ['size 0', '?size=0'],
    ['a negative page', '?page=-1'],
    ['a page that is not a number', '?page=first'],
    ['page × size over 10,000', '?page=101&size=100'],
  ])('is a 400 VALIDATION_1001 for %s', async (_label, query) => {
    const response = await trail(query);

    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ errorCode: 'VALIDATION_1001', content: '', pageable: '' });
  });

  it('lets ADMIN and MASTER read any customer’s trail', async () => {
    for (const token of [await admin('audit:read'), await reader('m-1', 'platform', 'MASTER', 'audit:read')]) {
      const response = await trail('?size=1', token);
      expect(response.status).toBe(200);
      expect(response.json.pageable).toMatchObject({ totalElements: 25 });
    }
  });

  it('answers the same 404 CUSTOMER_1002 outside the caller’s reach and for a missing customer', async () => {
    const elsewhere = await trail('', await reader('op-2', 'reseller-2', 'RESALE', 'audit:read'));
    const missing = await call(stack, 'GET', '/api/v2/customer/no-such-customer/audit', { token: await reseller1('audit:read') });

    expect(elsewhere.status).toBe(404);
    expect(elsewhere.json).toEqual({ errorCode: 'CUSTOMER_1002', errorMessage: 'Customer does not exist', content: '', pageable: '' });
    expect(missing.status).toBe(404);
    expect(missing.text).toBe(elsewhere.text);
  });

  it('is a 403 AUTH_1003 without scope audit:read', async () => {
    const response = await trail('', await reseller1('customers:read customers:delete'));

    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ errorCode: 'AUTH_1003' });
  });
});

describe('a revoked actor', () => {
  beforeAll(async () => {
    const deleted = await call(stack, 'DELETE', '/api/v2/customer/reseller-1/user/op-gone', { token: await reseller1() });
    if (deleted.status !== 200) throw new Error(`setup: could not delete login op-gone (${deleted.status})`);
  });

  const gone = (scope: string) => reader('op-gone', 'reseller-1', 'RESALE', scope);

  it.each([
    ['a managed customer', '/customer/c-counted', 'customers:read'],
    ['a customer with its scope also missing (403 otherwise)', '/customer/c-counted', ''],
    ['another reseller’s customer (404 otherwise)', '/customer/c-elsewhere', 'customers:read'],
    ['a missing customer (404 otherwise)', '/customer/no-such-customer', 'customers:read'],
    ['a malformed id (400 otherwise)', '/customer/not%20an%20id', 'customers:read'],
  ])('is a 401 TOKEN_REVOKED on GET /customer for %s', async (_label, path, scope) => {
    const response = await call(stack, 'GET', path, { token: await gone(scope) });

    expect(response.status).toBe(401);
    expect(response.json).toEqual({ success: false, message: 'Invalid or missing token', code: 'TOKEN_REVOKED' });
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it.each([
    ['its own customer’s trail', `/api/v2/customer/${AUDITED}/audit`, 'audit:read'],
    ['a trail with its scope also missing (403 otherwise)', `/api/v2/customer/${AUDITED}/audit`, ''],
    ['a bad page (400 otherwise)', `/api/v2/customer/${AUDITED}/audit?size=101`, 'audit:read'],
    ['another reseller’s customer (404 otherwise)', '/api/v2/customer/c-elsewhere/audit', 'audit:read'],
  ])('is a 401 AUTH_1001 on the audit trail for %s', async (_label, path, scope) => {
    const response = await call(stack, 'GET', path, { token: await gone(scope) });

    expect(response.status).toBe(401);
    expect(response.json).toEqual({ errorCode: 'AUTH_1001', errorMessage: 'Unauthorized', content: '', pageable: '' });
  });
});
