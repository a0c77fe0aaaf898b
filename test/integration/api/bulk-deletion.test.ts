import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../infra/local/stack';
import { DynamoDbActorStanding } from '../../../shared/adapters/dynamodb/actor-standing';
import { DynamoBatchStore } from '../../../shared/adapters/dynamodb/batch-store';
import { DynamoDeletionStore } from '../../../shared/adapters/dynamodb/deletion-store';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { BulkDeletionService, runBatch } from '../../../shared/domain/bulk-deletion';
import { DeletionService } from '../../../shared/domain/deletion-service';
import type { Actor } from '../../../shared/domain/model';
import { systemClock, uuidIds } from '../../../shared/domain/system';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { eventually, testClients } from '../support/emulators';
import { call, startTestStack, tableReader } from './stack-harness';

/**
 * SPEC "Bulk deletion" through real HTTP on the local stack with its pollers: the batch is accepted
 * at once, its split step deletes each customer as a v1 delete (children first), and its status
 * pages the items with their outcomes. The worker's resume and a revocation mid-batch run on the
 * same table with the same services.
 */

let stack: LocalStack;
const PLAIN = Array.from({ length: 40 }, (_, i) => `c-${String(i).padStart(2, '0')}`);

beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('reseller-1', null)
    .user('op-1', 'reseller-1')
    .customer('reseller-2', null)
    .customer('c-parent', 'reseller-1')
    .customer('c-child', 'c-parent')
    .customer('m-parent', 'reseller-2')
    .customer('m-child', 'm-parent')
    .customer('m-grandchild', 'm-child')
    .customer('c-subs', 'reseller-1', { activeSubscriptions: 2 })
    .customer('c-other', 'reseller-2')
    .customer('c-p2', 'reseller-1')
    .customer('c-kept-child', 'c-p2')
    .customer('reseller-3', null)
    .user('op-3', 'reseller-3');
  for (const id of PLAIN) seed.customer(id, 'reseller-1').device(`d-${id}`, id);
  for (let i = 0; i < 12; i += 1) seed.customer(`r3-${i}`, 'reseller-3');
  seed.customer('r4', null);
  for (let i = 0; i < 25; i += 1) seed.customer(`r4-${i}`, 'r4');
  seed.customer('r5', null);
  for (let i = 0; i < 30; i += 1) seed.customer(`r5-${i}`, 'r5');
  stack = await startTestStack(seed.build(), { pollers: true });
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

const reseller = (scope = 'customers:delete') => tokenFor({ sub: 'op-1', accountId: 'reseller-1', role: 'RESALE', scope });
const post = async (body: unknown, options: { token?: string; headers?: Record<string, string> } = {}) =>
  call(stack, 'POST', '/api/v2/customers/deletions', { token: options.token ?? (await reseller()), body: typeof body === 'string' ? body : JSON.stringify(body), ...(options.headers ? { headers: options.headers } : {}) });
const batchIdOf = (response: { json: Record<string, unknown> }) => (response.json.content as { requestId: string }[])[0]!.requestId;

interface BatchContent {
  requestId: string;
  type: string;
  status: string;
  totals: Record<string, number>;
  items: { customerId: string; outcome: string; requestId?: string; code?: string }[];
}

async function batchStatus(batchId: string, query = '?size=100') {
  const response = await call(stack, 'GET', `/api/v2/requests/${batchId}${query}`, { token: await reseller() });
  return { ...response, batch: (response.json.content as BatchContent[])[0]! };
}

it('accepts a batch at once and decides each customer as a v1 delete would, each refusal as its outcome', async () => {
  const ids = ['c-parent', 'c-subs', 'c-other', 'c-missing', 'c-p2', 'c-child', ...PLAIN];

  const accepted = await post({ customerIds: ids, reason: 'reseller offboarding', ticket: 'OPS-7' });

  expect(accepted.status).toBe(200);
  expect(accepted.json).toMatchObject({ errorCode: '', errorMessage: '' });
  const batchId = batchIdOf(accepted);
  const done = await eventually(async () => {
    const status = await batchStatus(batchId);
    return status.batch.status === 'SUCCESS' ? status : undefined;
  }, 60000, 'the batch to be SUCCESS');

  const outcome = Object.fromEntries(done.batch.items.map((item) => [item.customerId, item]));
  // The refusals first (they say why when something else was refused), then the totals.
  // c-child is the reseller's grandchild: not managed by it (403, as a v1 delete), so its parent keeps a live
  // sub-customer and is refused after it (409), as is c-p2, whose child is not in the batch.
  expect(done.batch.items.filter((item) => item.outcome !== 'DELETED').map((item) => `${item.customerId} ${item.outcome} ${item.code ?? ''}`)).toEqual([
    'c-parent CONFLICT DELETION_BLOCKED',
    'c-subs CONFLICT DELETION_BLOCKED',
    'c-other FORBIDDEN NOT_MANAGED',
    'c-missing NOT_FOUND CUSTOMER_NOT_FOUND',
    'c-p2 CONFLICT DELETION_BLOCKED',
    'c-child FORBIDDEN NOT_MANAGED',
  ]);
  expect(done.batch).toMatchObject({ requestId: batchId, type: 'batch', status: 'SUCCESS', totals: { total: 46, deleted: 40, refused: 6, failed: 0, pending: 0 } });
  expect(done.batch.items.map((item) => item.customerId)).toEqual(ids);
  expect(outcome['c-subs']).toEqual({ customerId: 'c-subs', outcome: 'CONFLICT', code: 'DELETION_BLOCKED' });
  expect(outcome['c-p2']).toEqual({ customerId: 'c-p2', outcome: 'CONFLICT', code: 'DELETION_BLOCKED' });
  expect(outcome['c-other']).toEqual({ customerId: 'c-other', outcome: 'FORBIDDEN', code: 'NOT_MANAGED' });
  expect(outcome['c-missing']).toEqual({ customerId: 'c-missing', outcome: 'NOT_FOUND', code: 'CUSTOMER_NOT_FOUND' });
  expect(done.json.pageable).toEqual({ page: 0, size: 100, totalPages: 1, totalElements: 46 });

  // Each deletion is a request of its own, with the batch's reason, and its own cascade.
  const table = tableReader(stack);
  const plainRequest = await table.request(outcome['c-01']!.requestId!);
  expect(plainRequest).toMatchObject({ type: 'customer.delete', subject: { type: 'customer', customerId: 'c-01' }, reason: 'reseller offboarding', ticket: 'OPS-7' });
  await eventually(async () => (await table.request(outcome['c-00']!.requestId!))?.status === 'SUCCESS', 40000, "c-00's cascade");
  expect((await testClients().doc.send(new UpdateCommand({ TableName: stack.tableName, Key: keys.device('c-00', 'd-c-00'), UpdateExpression: 'SET probe = :p', ExpressionAttributeValues: { ':p': 1 }, ReturnValues: 'ALL_NEW' }))).Attributes).toMatchObject({ status: 'REVOKED' });
  // Audited as v1 deletes: the allowed ones and the refusals, by the batch's actor.
  expect(await table.audits('c-other')).toEqual([expect.objectContaining({ action: 'customer.delete', outcome: 'DENIED', detail: 'NOT_MANAGED', actor: { sub: 'op-1', role: 'RESALE', accountId: 'reseller-1' } })]);
  expect(await table.audits('c-01')).toEqual([expect.objectContaining({ action: 'customer.delete', outcome: 'ALLOWED' })]);
  expect(await table.audits('c-child')).toEqual([expect.objectContaining({ action: 'customer.delete', outcome: 'DENIED', detail: 'NOT_MANAGED' })]);
  // Pages over the items.
  const second = await batchStatus(batchId, '?page=1&size=20');
  expect(second.batch.items.map((item) => item.customerId)).toEqual(ids.slice(20, 40));
  expect(second.json.pageable).toEqual({ page: 1, size: 20, totalPages: 3, totalElements: 46 });
}, 150_000);

it('deletes children before their parents when both are in the batch (an ADMIN may delete every generation)', async () => {
  const admin = await tokenFor({ sub: 'admin-1', accountId: 'platform', role: 'ADMIN', scope: 'customers:delete' });
  const accepted = await post({ customerIds: ['m-parent', 'm-grandchild', 'm-child'] }, { token: admin });
  const batchId = batchIdOf(accepted);

  const done = await eventually(async () => {
    const response = await call(stack, 'GET', `/api/v2/requests/${batchId}`, { token: admin });
    const batch = (response.json.content as BatchContent[])[0]!;
    return batch.status === 'SUCCESS' ? batch : undefined;
  }, 60000, 'the family batch');

  expect(done.items.map((item) => `${item.customerId} ${item.outcome}`)).toEqual(['m-parent DELETED', 'm-grandchild DELETED', 'm-child DELETED']);
  // Deleted in the order the family needs: the grandchild, then its parent, then the top.
  const deletedAt = async (id: string) => String((await tableReader(stack).customer(id))?.deletedAt);
  expect(await deletedAt('m-grandchild') <= (await deletedAt('m-child'))).toBe(true);
  expect(await deletedAt('m-child') <= (await deletedAt('m-parent'))).toBe(true);
}, 90_000);

it('refuses bad input with a 400 naming what is wrong, and starts nothing', async () => {
  const before = (await call(stack, 'GET', '/api/v2/requests?type=batch', { token: await reseller() })).json.pageable as { totalElements: number };
  const cases: [unknown, RegExp][] = [
    [{ customerIds: [] }, /customerIds must list 1 to 1000 customer ids/],
    [{ customerIds: Array.from({ length: 1001 }, (_, i) => `x-${i}`) }, /customerIds must list 1 to 1000 customer ids/],
    [{ customerIds: ['a', 'b', 'a'] }, /customerIds must be unique; repeated: a/],
    [{ customerIds: ['ok', 'not ok'] }, /customerIds\[1\] must be 1-128 characters/],
    [{ customerIds: ['a'], force: true }, /Unknown field\(s\) in body: force/],
    [{ ids: ['a'] }, /Unknown field\(s\) in body: ids/],
    [{ customerIds: ['a'], mode: 'purge' }, /mode must be 'soft' or 'hard'/],
    [{}, /customerIds is required/],
    ['{"customerIds": [', /Body must be valid JSON/],
    [JSON.stringify({ customerIds: ['a'], reason: 'x'.repeat(300 * 1024) }), /Body must be at most 256 KB/],
  ];
  for (const [body, message] of cases) {
    const response = await post(body);
    expect({ status: response.status, code: response.json.errorCode }).toEqual({ status: 400, code: 'VALIDATION_1001' });
    expect(String(response.json.errorMessage)).toMatch(message);
  }
  const after = (await call(stack, 'GET', '/api/v2/requests?type=batch', { token: await reseller() })).json.pageable as { totalElements: number };
  expect(after.totalElements).toBe(before.totalElements);
});

it('refuses by role and scope as a v1 delete does, before anything starts', async () => {
  expect((await post({ customerIds: ['c-00'] }, { token: await reseller('users:delete') })).status).toBe(403);
  expect((await post({ customerIds: ['c-00'], mode: 'hard', reason: 'x' })).status).toBe(403);
});

it('honours Idempotency-Key: the same batch again answers the same id; another batch under that key is refused', async () => {
  const headers = { 'Idempotency-Key': `bulk-${Date.now()}` };
  const first = await post({ customerIds: ['c-missing-1', 'c-missing-2'] }, { headers });
  const again = await post({ customerIds: ['c-missing-1', 'c-missing-2'] }, { headers });
  const other = await post({ customerIds: ['c-missing-3'] }, { headers });

  expect(first.status).toBe(200);
  expect(batchIdOf(again)).toBe(batchIdOf(first));
  expect(other.status).toBe(422);
});

/** The worker's own services on the test stack's table, as the split step builds them. */
function services() {
  const { doc } = testClients();
  const table = { doc, tableName: stack.tableName };
  const standing = new DynamoDbActorStanding(table);
  const deletions = new DeletionService({ store: new DynamoDeletionStore(doc, stack.tableName), standing, clock: systemClock, ids: uuidIds });
  const batches = new DynamoBatchStore(table);
  return { standing, deletions, batches, bulk: new BulkDeletionService({ store: batches, standing, clock: systemClock, ids: uuidIds }) };
}

it('gives UNAUTHORIZED to the items after its actor is revoked mid-batch', async () => {
  // The runs below are this test's own: the stack's split worker must not run the same batches meanwhile.
  await stack.sqsPollers.get('split-batch')?.stop();
  const { deletions, batches, bulk } = services();
  const actor: Actor = { sub: 'op-3', role: 'RESALE', accountId: 'reseller-3', scopes: new Set(['customers:delete']) };
  const ids = Array.from({ length: 12 }, (_, i) => `r3-${i}`);
  // Committed directly (its event is in the outbox too; this run does not wait for the stack's worker).
  const { batchId } = await bulk.start({ actor, customerIds: ids, mode: 'soft', reason: 'revocation test', ticket: null, idempotencyKey: null });
  let done = 0;

  const result = await runBatch(batchId, {
    store: batches,
    clock: systemClock,
    concurrency: 1,
    deleteCustomer: async (customerId, input) => {
      const receipt = await deletions.deleteCustomer(customerId, input);
      done += 1;
      // After the fourth deletion, the actor's own login is deleted (another operator's v2 delete).
      if (done === 4) {
        await testClients().doc.send(
          new UpdateCommand({ TableName: stack.tableName, Key: keys.user('reseller-3', 'op-3'), UpdateExpression: 'SET #s = :deleted', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':deleted': 'DELETED' } }),
        );
      }
      return receipt;
    },
  });

  expect(result).toMatchObject({ total: 12, deleted: 4, refused: 8, pending: 0 });
  const loaded = await batches.loadBatch(batchId);
  const outcomes = ids.map((id) => loaded!.outcomes.get(id)?.outcome);
  expect(outcomes).toEqual([...Array<string>(4).fill('DELETED'), ...Array<string>(8).fill('UNAUTHORIZED')]);
  expect((await tableReader(stack).customer('r3-5'))?.status).toBe('ACTIVE');
}, 90_000);

it('resumes a run cut short without deleting anything twice or losing an item', async () => {
  const { deletions, batches, bulk } = services();
  const actor: Actor = { sub: 'admin-1', role: 'ADMIN', accountId: 'platform', scopes: new Set(['customers:delete']) };
  const ids = Array.from({ length: 25 }, (_, i) => `r4-${i}`);
  const { batchId } = await bulk.start({ actor, customerIds: ids, mode: 'soft', reason: 'resume test', ticket: null, idempotencyKey: null });
  let started = 0;
  // The first run dies after recording 9 outcomes: its 10th deletion commits, and the worker is gone before its record.
  const dying = {
    ...batches,
    loadBatch: (id: string) => batches.loadBatch(id),
    parentsOf: (customerIds: readonly string[]) => batches.parentsOf(customerIds),
    recordOutcome: async (id: string, item: Parameters<DynamoBatchStore['recordOutcome']>[1], at: string) => {
      if (item.customerId === 'r4-9') throw new Error('worker died');
      return batches.recordOutcome(id, item, at);
    },
  };

  await expect(
    runBatch(batchId, {
      store: dying as unknown as DynamoBatchStore,
      clock: systemClock,
      concurrency: 1,
      deleteCustomer: (customerId, input) => {
        started += 1;
        return deletions.deleteCustomer(customerId, input);
      },
    }),
  ).rejects.toThrow('worker died');
  const resumed = await runBatch(batchId, { store: batches, clock: systemClock, concurrency: 4, deleteCustomer: (customerId, input) => deletions.deleteCustomer(customerId, input) });

  expect(started).toBe(10);
  expect(resumed).toEqual({ total: 25, deleted: 25, refused: 0, failed: 0, pending: 0 });
  const table = tableReader(stack);
  for (const id of ids) {
    expect((await table.customer(id))?.status).toBe('DELETED');
    // One deletion each: one allowed audit record, one request (r4-9's replayed from its key, not made twice).
    expect((await table.audits(id)).filter((record) => record.outcome === 'ALLOWED')).toHaveLength(1);
  }
  const loaded = await batches.loadBatch(batchId);
  const r49 = loaded!.outcomes.get('r4-9')!;
  expect(r49.outcome).toBe('DELETED');
  expect((await table.request(r49.requestId!))?.subject).toEqual({ type: 'customer', customerId: 'r4-9' });
  // Sequential deletions and reads: a loaded CI machine needs far longer than a quiet one (~6 s).
}, 120_000);

it('resumes a run whose chunk of outcomes was never written (the recording production uses) without deleting anything twice', async () => {
  await stack.sqsPollers.get('split-batch')?.stop();
  const { deletions, batches, bulk } = services();
  const actor: Actor = { sub: 'admin-1', role: 'ADMIN', accountId: 'platform', scopes: new Set(['customers:delete']) };
  const ids = Array.from({ length: 30 }, (_, i) => `r5-${i}`);
  const { batchId } = await bulk.start({ actor, customerIds: ids, mode: 'soft', reason: 'chunk resume test', ticket: null, idempotencyKey: null });
  // The first run's first chunk of 25 outcomes fails to be written: its 25 deletions committed, none is recorded.
  class DyingStore extends DynamoBatchStore {
    override async recordOutcomes(): Promise<void> {
      throw new Error('worker died');
    }
  }
  let started = 0;
  await expect(
    runBatch(batchId, {
      store: new DyingStore({ doc: testClients().doc, tableName: stack.tableName }),
      clock: systemClock,
      concurrency: 4,
      deleteCustomer: (customerId, input) => {
        started += 1;
        return deletions.deleteCustomer(customerId, input);
      },
    }),
  ).rejects.toThrow('worker died');
  const resumed = await runBatch(batchId, { store: batches, clock: systemClock, concurrency: 4, deleteCustomer: (customerId, input) => deletions.deleteCustomer(customerId, input) });

  expect(started).toBeGreaterThanOrEqual(25);
  expect(resumed).toEqual({ total: 30, deleted: 30, refused: 0, failed: 0, pending: 0 });
  const table = tableReader(stack);
  for (const id of ids) {
    expect((await table.customer(id))?.status).toBe('DELETED');
    expect((await table.audits(id)).filter((record) => record.outcome === 'ALLOWED')).toHaveLength(1);
  }
}, 120_000);
