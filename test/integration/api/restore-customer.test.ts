import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../infra/local/stack';
import { DynamoDbActorStanding } from '../../../shared/adapters/dynamodb/actor-standing';
import { DynamoDeletionStore } from '../../../shared/adapters/dynamodb/deletion-store';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { RETENTION_ACTOR } from '../../../shared/domain/authorization';
import { DeletionService } from '../../../shared/domain/deletion-service';
import { testClients } from '../support/emulators';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { call, startTestStack, tableReader } from './stack-harness';

/**
 * SPEC "Lifecycle" — restore, through real HTTP on the local stack (no pollers: the cascade has its
 * own test, restore-cascade.test.ts): every status code, the one atomic write, and races.
 */

let stack: LocalStack;
let table: ReturnType<typeof tableReader>;
const RACES = 6;

beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('reseller-1', null)
    .user('u-reseller', 'reseller-1')
    .customer('reseller-2', null)
    .customer('back', 'reseller-1')
    .customer('still-active', 'reseller-1')
    .customer('gone-for-good', 'reseller-1')
    .customer('other-resellers', 'reseller-2')
    .customer('top-level', null)
    .customer('parent-dies', null)
    .customer('orphan', 'parent-dies')
    .customer('doomed-account', 'reseller-1')
    .user('u-doomed', 'doomed-account');
  for (let i = 0; i < RACES; i += 1) seed.customer(`race-${i}`, 'reseller-1').customer(`redelete-${i}`, 'reseller-1').customer(`restore-or-purge-${i}`, 'reseller-1');
  stack = await startTestStack(seed.build());
  table = tableReader(stack);
  const admin = await tokenFor({ sub: 'admin-0', accountId: 'platform', role: 'ADMIN', scope: 'customers:delete customers:purge' });
  const softDeleted = [
    'back',
    'other-resellers',
    'top-level',
    'orphan',
    'parent-dies',
    ...Array.from({ length: RACES }, (_, i) => [`race-${i}`, `redelete-${i}`, `restore-or-purge-${i}`]).flat(),
  ];
  for (const id of softDeleted) {
    const deleted = await call(stack, 'DELETE', `/customer/${id}`, { token: admin });
    if (deleted.status !== 200) throw new Error(`setup: could not soft-delete ${id} (${deleted.status})`);
  }
  const purged = await call(stack, 'DELETE', '/customer/gone-for-good?mode=hard', { token: admin, body: JSON.stringify({ reason: 'GDPR erasure' }) });
  if (purged.status !== 200) throw new Error(`setup: could not purge (${purged.status})`);
}, 90000);

afterAll(async () => {
  await stack?.stop();
});

const restorer = (role = 'RESALE', scope = 'customers:restore', accountId = 'reseller-1', sub = 'u-reseller') => tokenFor({ sub, accountId, role, scope });
const restore = async (id: string, token?: string, body?: unknown) =>
  call(stack, 'POST', `/customer/${id}/restore`, { token: token ?? (await restorer()), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe('POST /customer/{id}/restore', () => {
  it('restores a soft-deleted customer in one write: ACTIVE, purge marks gone, back under its parent, audit, request, outbox', async () => {
    const before = await table.customer('reseller-1');

    const response = await restore('back', undefined, { reason: 'deleted by mistake', ticket: 'SUP-42' });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ success: true, message: 'Customer restored successfully', restoredAt: expect.any(String), requestId: expect.any(String) });
    expect(Number.isNaN(Date.parse(String(response.json.restoredAt)))).toBe(false);
    const requestId = String(response.json.requestId);
    const customer = await table.customer('back');
    expect(customer).toMatchObject({ status: 'ACTIVE', gsi1pk: 'PARENT#reseller-1', gsi1sk: 'CUSTOMER#back', restoreRequestId: requestId, name: 'Name of back' });
    for (const gone of ['purgeAfter', 'purgePk', 'purgeBlockedBy', 'deletedAt', 'deleteRequestId']) expect(customer).not.toHaveProperty(gone);
    expect((await table.customer('reseller-1'))?.liveChildren).toBe(Number(before?.liveChildren) + 1);
    expect(await table.audits('back')).toContainEqual(
      expect.objectContaining({ action: 'customer.restore', outcome: 'ALLOWED', requestId, reason: 'deleted by mistake', ticket: 'SUP-42', actor: { sub: 'u-reseller', role: 'RESALE', accountId: 'reseller-1' } }),
    );
    const request = await table.request(requestId);
    expect(request).toMatchObject({ type: 'customer.restore', status: 'IN_PROGRESS', subject: { type: 'customer', customerId: 'back' }, reason: 'deleted by mistake', accessSteps: [] });
    expect(Object.keys(request?.steps as object).sort()).toEqual(['email', 'identity']);
    const outbox = await table.outbox(requestId);
    expect(outbox.map((o) => o.queue).sort()).toEqual(['disable-logins', 'send-email']);
    for (const o of outbox) expect(JSON.parse(String(o.body))).toMatchObject({ eventType: 'customer.restored', requestId });
  });

  it('lets ADMIN and MASTER restore any customer, a top-level one included', async () => {
    const master = await restorer('MASTER', 'customers:restore', 'platform', 'staff-1');
    const admin = await restorer('ADMIN', 'customers:restore', 'platform', 'staff-2');

    expect((await restore('other-resellers', master)).status).toBe(200);
    expect((await restore('top-level', admin)).status).toBe(200);
    expect((await table.customer('top-level'))?.status).toBe('ACTIVE');
  });

  it('is a 409 NOT_DELETED on an ACTIVE customer', async () => {
    const response = await restore('still-active');

    expect(response.status).toBe(409);
    expect(response.json).toEqual({ success: false, message: 'Customer is not deleted', code: 'NOT_DELETED' });
    expect(await table.audits('still-active')).toEqual([expect.objectContaining({ action: 'customer.restore', outcome: 'CONFLICT', detail: 'NOT_DELETED' })]);
  });

  it('is a 410 PURGED on a purged customer', async () => {
    const response = await restore('gone-for-good');

    expect(response.status).toBe(410);
    expect(response.json).toEqual({ success: false, message: 'Customer was purged; it can no longer be restored', code: 'PURGED' });
    expect((await table.customer('gone-for-good'))?.status).toBe('PURGED');
  });

  it('is a 409 PARENT_NOT_ACTIVE under a deleted parent, and nothing changes', async () => {
    const admin = await restorer('ADMIN', 'customers:restore', 'platform', 'staff-2');

    const response = await restore('orphan', admin);

    expect(response.status).toBe(409);
    expect(response.json).toEqual({ success: false, message: 'Parent customer parent-dies is not active; restore it first', code: 'PARENT_NOT_ACTIVE' });
    expect((await table.customer('orphan'))?.status).toBe('DELETED');
    expect((await table.customer('parent-dies'))?.liveChildren).toBe(0);

    // Restoring the parent first, then the child, works.
    expect((await restore('parent-dies', admin)).status).toBe(200);
    expect((await restore('orphan', admin)).status).toBe(200);
    expect((await table.customer('parent-dies'))?.liveChildren).toBe(1);
  });

  it('is a 404 CUSTOMER_NOT_FOUND for an unknown customer, before a reseller’s 403', async () => {
    const response = await restore('no-such-customer');

    expect(response.status).toBe(404);
    expect(response.json).toEqual({ success: false, message: 'Customer not found', code: 'CUSTOMER_NOT_FOUND' });
  });

  it.each([
    ['a reseller, for a customer it does not manage', () => restorer('RESALE', 'customers:restore', 'reseller-2', 'u-r2'), 'NOT_MANAGED'],
    ['a token without customers:restore', () => restorer('ADMIN', 'customers:delete customers:purge', 'platform', 'staff-3'), 'SCOPE_MISSING'],
    ['another role', () => restorer('SUPPORT', 'customers:restore', 'platform', 'staff-4'), 'ROLE_NOT_ALLOWED'],
  ])('is a 403 for %s', async (_label, token, code) => {
    const response = await restore('race-0', await token());

    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ success: false, code });
    expect((await table.customer('race-0'))?.status).toBe('DELETED');
  });

  it('is a 400 for a malformed id or body', async () => {
    expect((await restore('not%20an%20id')).json).toMatchObject({ code: 'INVALID_CUSTOMER_ID' });
    const badBody = await call(stack, 'POST', '/customer/race-0/restore', { token: await restorer(), body: '{"reason": 42}' });
    expect(badBody.status).toBe(400);
    expect(badBody.json).toMatchObject({ code: 'INVALID_BODY' });
  });

  it('is a 401 without a token, and for a revoked actor before anything else', async () => {
    const none = await call(stack, 'POST', '/customer/race-0/restore');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');

    expect((await call(stack, 'DELETE', '/customer/doomed-account', { token: await tokenFor({ sub: 'u-reseller', accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete' }) })).status).toBe(200);
    const revoked = await restorer('ADMIN', 'customers:restore', 'doomed-account', 'u-doomed');
    for (const path of ['/customer/race-0/restore', '/customer/no-such-customer/restore', '/customer/not%20an%20id/restore', '/customer/still-active/restore']) {
      const response = await call(stack, 'POST', path, { token: revoked });
      expect({ path, status: response.status, code: response.json.code }).toEqual({ path, status: 401, code: 'TOKEN_REVOKED' });
    }
    // A revoked login cannot restore its own account either.
    expect((await restore('doomed-account', revoked)).status).toBe(401);
    expect((await table.customer('race-0'))?.status).toBe('DELETED');
  });
});

describe('concurrency', () => {
  it('of concurrent restores of one customer, exactly one wins; the others are 409 NOT_DELETED and the count moves once', async () => {
    const before = Number((await table.customer('reseller-1'))?.liveChildren);
    const token = await restorer();

    const responses = await Promise.all(Array.from({ length: RACES }, () => restore('race-1', token)));

    expect(responses.map((r) => r.status).sort()).toEqual([200, ...Array<number>(RACES - 1).fill(409)]);
    for (const r of responses.filter((x) => x.status === 409)) expect(r.json.code).toBe('NOT_DELETED');
    expect(Number((await table.customer('reseller-1'))?.liveChildren)).toBe(before + 1);
    expect((await table.all('request')).filter((q) => q.type === 'customer.restore' && (q.subject as { customerId: string }).customerId === 'race-1')).toHaveLength(1);
  });

  it('settles a restore racing a soft delete of the same customer with no 5xx, and the state says who won', async () => {
    const restoreToken = await restorer();
    const deleteToken = await tokenFor({ sub: 'u-reseller', accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete' });

    const outcomes = await Promise.all(
      Array.from({ length: RACES }, async (_, i) => {
        const [restored, deleted] = await Promise.all([restore(`redelete-${i}`, restoreToken), call(stack, 'DELETE', `/customer/redelete-${i}`, { token: deleteToken })]);
        return { i, restored: restored.status, deleted: deleted.status };
      }),
    );

    for (const { i, restored, deleted } of outcomes) {
      expect(restored).toBe(200);
      // The delete either came first (DELETED: 404) or after the restore (ACTIVE again: deleted again).
      expect([200, 404]).toContain(deleted);
      expect((await table.customer(`redelete-${i}`))?.status).toBe(deleted === 200 ? 'DELETED' : 'ACTIVE');
    }
  });

  it('of a restore and the scheduled purge of one due customer, exactly one wins', async () => {
    // Prepare: due (purge date passed) and its soft delete's request done, as the schedule would find it.
    const { doc } = testClients();
    const past = new Date(Date.now() - 60_000).toISOString();
    for (let i = 0; i < RACES; i += 1) {
      const customer = await table.customer(`restore-or-purge-${i}`);
      await doc.send(new UpdateCommand({ TableName: stack.tableName, Key: keys.customer(`restore-or-purge-${i}`), UpdateExpression: 'SET purgeAfter = :past', ExpressionAttributeValues: { ':past': past } }));
      await doc.send(
        new UpdateCommand({
          TableName: stack.tableName,
          Key: keys.request(String(customer?.deleteRequestId)),
          UpdateExpression: 'SET #status = :done',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':done': 'SUCCESS' },
        }),
      );
    }
    const tableRef = { doc, tableName: stack.tableName };
    const schedule = new DeletionService({ store: new DynamoDeletionStore(doc, stack.tableName), standing: new DynamoDbActorStanding(tableRef), clock: { now: () => new Date() }, ids: { newId: () => randomUUID() } });
    const token = await restorer();

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: RACES }, async (_, i) => {
        const id = `restore-or-purge-${i}`;
        const [restored, purged] = await Promise.all([
          restore(id, token),
          schedule
            .purgeDueCustomer(id, { actor: { ...RETENTION_ACTOR, scopes: new Set<string>() }, reason: 'retention period ended', ticket: null, correlationId: `race-${i}` })
            .then(() => 'purged' as const, (error: { code?: string }) => error.code ?? 'error'),
        ]);
        return { id, restored: restored.status, purged };
      }),
    );

    // Assess: one winner each; the state says which
    for (const { id, restored, purged } of outcomes) {
      const winners = [restored === 200, purged === 'purged'].filter(Boolean);
      expect(winners).toHaveLength(1);
      expect((await table.customer(id))?.status).toBe(restored === 200 ? 'ACTIVE' : 'PURGED');
      // The loser of each pair: a restore after the purge is too late (410); a purge after the restore finds no DELETED customer.
      expect(restored === 200 ? purged : restored).toBe(restored === 200 ? 'CUSTOMER_NOT_FOUND' : 410);
    }
  });
});
