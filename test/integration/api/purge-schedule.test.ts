import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../infra/local/stack';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { eventually, testClients } from '../support/emulators';
import { mailTo } from '../support/mail';
import { call, startTestStack, tableReader } from './stack-harness';

/**
 * The scheduled purge on a local stack whose retention is 2 seconds (`--retention-seconds 2`), its
 * pollers and its 2-second schedule running: a soft-deleted customer is purged by `system:retention`
 * once due and once its soft delete's request is done; a held one is skipped and says why.
 */

let stack: LocalStack;
let table: ReturnType<typeof tableReader>;

beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('reseller-1', null)
    .customer('due-1', 'reseller-1', { name: 'Dana Due', email: 'dana@due.example' })
    .user('due-1-login', 'due-1')
    .customer('held-1', 'reseller-1', { name: 'Hal Held', email: 'hal@held.example' });
  stack = await startTestStack(seed.build(), { pollers: true, retentionSeconds: 2 });
  table = tableReader(stack);
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

it('purges a due customer as system:retention, and skips a held one (purgeBlockedBy legalHold)', async () => {
  const token = await tokenFor({ accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete' });
  const due = await call(stack, 'DELETE', '/customer/due-1', { token });
  const held = await call(stack, 'DELETE', '/customer/held-1', { token });
  expect([due.status, held.status]).toEqual([200, 200]);
  expect(new Date(String(due.json.purgeAfter)).getTime() - new Date(String(due.json.deletedAt)).getTime()).toBe(2000);
  // Held at once: two seconds before it is due.
  await testClients().doc.send(
    new UpdateCommand({
      TableName: stack.tableName,
      Key: keys.customer('held-1'),
      UpdateExpression: 'SET legalHold = :hold',
      ExpressionAttributeValues: { ':hold': { placedAt: new Date().toISOString(), placedBy: 'legal-admin', reason: 'litigation' } },
    }),
  );

  const purged = await eventually(async () => {
    const customer = await table.customer('due-1');
    return customer?.status === 'PURGED' ? customer : undefined;
  }, 20000, 'the scheduled purge of due-1');
  expect(purged).not.toHaveProperty('name');
  expect(purged).not.toHaveProperty('email');
  expect(purged).not.toHaveProperty('purgePk');
  const purgeRequestId = String(purged.purgeRequestId);
  expect(await table.request(purgeRequestId)).toMatchObject({ type: 'customer.purge', mode: 'hard', actor: { sub: 'system:retention', role: 'SYSTEM', accountId: 'system' } });
  expect(await table.audits('due-1')).toEqual(
    expect.arrayContaining([expect.objectContaining({ action: 'customer.purge', outcome: 'ALLOWED', actor: { sub: 'system:retention', role: 'SYSTEM', accountId: 'system' } })]),
  );
  // The soft delete's request had left IN_PROGRESS before the purge committed.
  expect((await table.request(String(due.json.requestId)))?.status).toBe('SUCCESS');
  expect(await table.user('due-1', 'due-1-login')).not.toHaveProperty('email');

  // Its cascade runs: the notice that the data is erased, to the address the purge read.
  await eventually(async () => (await table.request(purgeRequestId))?.status === 'SUCCESS', 20000, 'the purge request');
  const notices = await mailTo(stack.sesEndpoint, 'dana@due.example');
  expect(notices.filter((mail) => mail.subject === 'Your personal data has been erased')).toHaveLength(1);

  // The held customer is skipped by every run, and shows why.
  const blocked = await eventually(async () => {
    const customer = await table.customer('held-1');
    return customer?.purgeBlockedBy === 'legalHold' ? customer : undefined;
  }, 20000, 'held-1 marked as blocked');
  expect(blocked).toMatchObject({ status: 'DELETED', name: 'Hal Held', email: 'hal@held.example', purgePk: 'PURGE' });
}, 60000);
