import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../infra/local/stack';
import { MAX_TRANSACTION_ITEMS } from '../../../shared/adapters/dynamodb/deletion-store';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { eventually, testClients } from '../support/emulators';
import { call, startTestStack, tableReader } from './stack-harness';

/** Purge now (SPEC "Lifecycle"): ADMIN `DELETE /customer/{id}?mode=hard` on a DELETED customer, through real HTTP. */

let stack: LocalStack;
let table: ReturnType<typeof tableReader>;
let admin: string;

beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('platform', null)
    .customer('reseller-1', 'platform')
    .customer('gone-soon', 'reseller-1', { name: 'Gina Gone', email: 'gina@example.com' })
    .user('gone-user', 'gone-soon')
    .customer('held', 'reseller-1')
    .customer('held-active', 'reseller-1')
    .customer('crowd', 'reseller-1');
  for (let i = 0; i < 120; i += 1) seed.user(`crowd-${i}`, 'crowd');
  // Pollers off: the soft delete's request stays IN_PROGRESS until a test says otherwise.
  stack = await startTestStack(seed.build(), { pollers: false });
  table = tableReader(stack);
  admin = await tokenFor({ accountId: 'platform', role: 'ADMIN', scope: 'customers:delete customers:purge' });
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

async function softDelete(customerId: string): Promise<string> {
  const response = await call(stack, 'DELETE', `/customer/${customerId}`, { token: admin });
  expect(response.status).toBe(200);
  return String(response.json.requestId);
}

/** The soft delete's cascade done: what its pollers would have done to the request. */
async function finishRequest(requestId: string): Promise<void> {
  await testClients().doc.send(
    new UpdateCommand({ TableName: stack.tableName, Key: keys.request(requestId), UpdateExpression: 'SET #status = :success', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':success': 'SUCCESS' } }),
  );
}

const purgeNow = (customerId: string) => call(stack, 'DELETE', `/customer/${customerId}?mode=hard`, { token: admin, body: JSON.stringify({ reason: 'GDPR Art. 17 request', ticket: 'SUP-9' }) });

describe('purge now', () => {
  it('waits for the soft delete\'s request (409 DELETION_IN_PROGRESS), then purges (200), then 404', async () => {
    const softRequestId = await softDelete('gone-soon');

    const early = await purgeNow('gone-soon');
    expect(early.status).toBe(409);
    expect(early.json).toMatchObject({ success: false, code: 'DELETION_IN_PROGRESS' });
    expect(await table.customer('gone-soon')).toMatchObject({ status: 'DELETED', name: 'Gina Gone', email: 'gina@example.com' });

    await finishRequest(softRequestId);
    const purged = await purgeNow('gone-soon');
    expect(purged.status).toBe(200);
    expect(Object.keys(purged.json)).toEqual(['success', 'message', 'deletedAt', 'requestId']);
    expect(purged.json).toMatchObject({ success: true, message: 'Customer deleted successfully' });
    const requestId = String(purged.json.requestId);

    const tombstone = await table.customer('gone-soon');
    expect(tombstone).toMatchObject({ status: 'PURGED', purgeRequestId: requestId, purgeReason: 'GDPR Art. 17 request', deleteRequestId: softRequestId });
    for (const field of ['name', 'email', 'purgePk']) expect(tombstone).not.toHaveProperty(field);
    const user = await table.user('gone-soon', 'gone-user');
    expect(user).toMatchObject({ status: 'DELETED', erasedByRequestId: requestId });
    expect(user).not.toHaveProperty('email');
    expect(await table.request(requestId)).toMatchObject({ type: 'customer.purge', mode: 'hard', status: 'IN_PROGRESS', steps: { email: { status: 'PENDING' }, erasure: { status: 'PENDING' } } });
    expect(Object.keys((await table.request(requestId))?.steps as object).sort()).toEqual(['email', 'erasure']);
    const outbox = await table.outbox(requestId);
    expect(outbox.map((o) => o.queue).sort()).toEqual(['erase-logins', 'send-email']);
    const emailEvent = JSON.parse(String(outbox.find((o) => o.queue === 'send-email')?.body)) as Record<string, unknown>;
    // The notice goes to the address the purge read, before its transaction erased it.
    expect(emailEvent).toMatchObject({ eventType: 'customer.purged', mode: 'hard', recipient: { email: 'gina@example.com', name: 'Gina Gone' } });
    expect((await table.audits('gone-soon')).map((a) => `${a.action} ${a.outcome}${a.detail ? ` ${a.detail}` : ''}`).sort()).toEqual([
      'customer.delete ALLOWED',
      'customer.purge ALLOWED',
      'customer.purge CONFLICT DELETION_IN_PROGRESS',
    ]);

    const again = await purgeNow('gone-soon');
    expect(again.status).toBe(404);
    expect(again.json).toMatchObject({ code: 'CUSTOMER_NOT_FOUND' });
  });

  it('is refused with the legalHold blocker while a hold stands, for a purge and for a hard delete', async () => {
    const softRequestId = await softDelete('held');
    await finishRequest(softRequestId);
    const { doc } = testClients();
    const hold = { placedAt: '2026-11-30T00:00:00.000Z', placedBy: 'legal-admin', reason: 'litigation', ticket: 'LEGAL-1' };
    for (const id of ['held', 'held-active']) {
      await doc.send(new UpdateCommand({ TableName: stack.tableName, Key: keys.customer(id), UpdateExpression: 'SET legalHold = :hold', ExpressionAttributeValues: { ':hold': hold } }));
    }

    for (const id of ['held', 'held-active']) {
      const refused = await purgeNow(id);
      expect(refused.status).toBe(409);
      expect(refused.json).toMatchObject({ success: false, code: 'DELETION_BLOCKED', blockersTotal: 1 });
      expect(refused.json.blockers).toEqual([{ type: 'legalHold', detail: expect.any(String) }]);
    }
    expect((await table.customer('held'))?.status).toBe('DELETED');
    expect((await table.customer('held-active'))?.status).toBe('ACTIVE');
    // A soft delete of a held customer is allowed.
    expect((await call(stack, 'DELETE', '/customer/held-active', { token: admin })).status).toBe(200);
  });

  it('erases the users beyond one transaction by the purge\'s erasure step', async () => {
    await finishRequest(await softDelete('crowd'));
    const purged = await purgeNow('crowd');
    expect(purged.status).toBe(200);
    const requestId = String(purged.json.requestId);
    const erased = async () => (await Promise.all(Array.from({ length: 120 }, (_, i) => table.user('crowd', `crowd-${i}`)))).filter((u) => u?.status === 'DELETED' && !('email' in u) && !('name' in u)).length;
    // In the transaction: all but the customer, the audit record, the request, the two outbox events
    // (erasure, email), the soft delete's request check and the actor's two standing checks.
    expect(await erased()).toBe(MAX_TRANSACTION_ITEMS - (1 + 1 + 1 + 2 + 1 + 2));

    // The cascade runs: the relay publishes the outbox, the erasure step erases the rest.
    stack.streamPoller?.start();
    stack.sqsPollers.get('erase-logins')?.start();
    // Generous waits: on a loaded CI machine the relay's stream poll and the step's retries take seconds.
    await eventually(async () => (await erased()) === 120, 45000, 'every login erased');
    await eventually(async () => ((await table.request(requestId))?.steps as Record<string, { status: string }>).erasure?.status === 'SUCCESS', 20000, 'the erasure step');
  }, 90000);
});
