import { PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbActorStanding } from '../../../shared/adapters/dynamodb/actor-standing';
import { DynamoDeletionStore } from '../../../shared/adapters/dynamodb/deletion-store';
import { customerItem, userItem } from '../../../shared/adapters/dynamodb/items';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { DeletionService } from '../../../shared/domain/deletion-service';
import type { DeletionInput } from '../../../shared/domain/deletion-ports';
import { actorFactory } from '../../fixtures/actors';
import { createTestTable, testClients } from '../support/emulators';

/**
 * The actor's standing is a condition of the deletion's own transaction (SPEC "Revoked actors"):
 * no read before a reseller's soft delete, the condition ANDed into the operation the transaction
 * already has on the actor's account, and a revoked login or account refused by the write itself.
 */

let doc: DynamoDBDocumentClient;
let tableName: string;
let transactions: Record<string, unknown>[][];
let service: DeletionService;

beforeAll(async () => {
  const clients = testClients();
  doc = clients.doc;
  ({ tableName } = await createTestTable(clients.dynamo, 'standing'));
  // Every transaction the store sends, as it sends it.
  transactions = [];
  const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
  const recording = Object.create(doc) as DynamoDBDocumentClient;
  recording.send = (async (command: unknown) => {
    if (command instanceof TransactWriteCommand) transactions.push(command.input.TransactItems as Record<string, unknown>[]);
    return send(command);
  }) as DynamoDBDocumentClient['send'];
  const table = { doc: recording, tableName };
  service = new DeletionService({
    store: new DynamoDeletionStore(recording, tableName),
    standing: new DynamoDbActorStanding(table),
    clock: { now: () => new Date() },
    ids: { newId: () => crypto.randomUUID() },
  });
  const customers = [
    customerItem({ id: 'reseller', parentId: null, name: 'R', email: 'r@example.invalid', activeSubscriptions: 0 }, 4),
    ...['t-1', 't-2', 't-3', 't-4'].map((id) => customerItem({ id, parentId: 'reseller', name: id, email: `${id}@example.invalid`, activeSubscriptions: 0 }, 0)),
  ];
  const users = [userItem({ id: 'op', customerId: 'reseller', name: 'Op', email: 'op@example.invalid' })];
  for (const Item of [...customers, ...users]) await doc.send(new PutCommand({ TableName: tableName, Item }));
});

const input = (): DeletionInput => ({
  actor: actorFactory({ sub: 'op', accountId: 'reseller', role: 'RESALE', scopes: ['customers:delete'] }),
  mode: 'soft',
  reason: null,
  ticket: null,
  idempotencyKey: null,
  correlationId: 'test',
});

const keyOf = (item: Record<string, unknown>) => {
  const op = Object.values(item)[0] as { Key?: { pk: string; sk: string }; Item?: { pk: string; sk: string } };
  const key = op.Key ?? op.Item!;
  return `${key.pk}/${key.sk}`;
};

it('carries the standing in the reseller soft delete’s one transaction: ANDed into the parent update, a ConditionCheck for the login', async () => {
  transactions.length = 0;

  await service.deleteCustomer('t-1', input());

  expect(transactions).toHaveLength(1);
  const items = transactions[0]!;
  const keysInTransaction = items.map(keyOf);
  expect(new Set(keysInTransaction).size).toBe(keysInTransaction.length);
  const parentUpdate = items.find((item) => keyOf(item) === 'CUSTOMER#reseller/PROFILE') as { Update: { ConditionExpression: string } };
  expect(parentUpdate.Update.ConditionExpression).toContain('#standingStatus = :standingActive');
  const loginCheck = items.find((item) => keyOf(item) === 'CUSTOMER#reseller/USER#op') as { ConditionCheck?: { ConditionExpression: string } };
  expect(loginCheck.ConditionCheck?.ConditionExpression).toBe('(attribute_not_exists(pk) OR #standingStatus = :standingActive)');
});

it('refuses by the transaction itself when the actor’s login is no longer ACTIVE', async () => {
  await doc.send(new UpdateCommand({ TableName: tableName, Key: keys.user('reseller', 'op'), UpdateExpression: 'SET #s = :d', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':d': 'DELETED' } }));
  transactions.length = 0;

  await expect(service.deleteCustomer('t-2', input())).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });

  expect(transactions).toHaveLength(1);
});

it('refuses by the transaction itself when the actor’s account is no longer ACTIVE', async () => {
  await doc.send(new UpdateCommand({ TableName: tableName, Key: keys.user('reseller', 'op'), UpdateExpression: 'SET #s = :a', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':a': 'ACTIVE' } }));
  await doc.send(new UpdateCommand({ TableName: tableName, Key: keys.customer('reseller'), UpdateExpression: 'SET #s = :d', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':d': 'DELETED' } }));

  await expect(service.deleteCustomer('t-3', input())).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
});
