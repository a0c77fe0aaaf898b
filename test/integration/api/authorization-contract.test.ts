import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbActorStanding } from '../../../shared/adapters/dynamodb/actor-standing';
import { DynamoDeletionStore } from '../../../shared/adapters/dynamodb/deletion-store';
import { customerItem, userItem } from '../../../shared/adapters/dynamodb/items';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { decideCustomerDeletionByClaims, decideUserDeletionByClaims, type TargetConstraint } from '../../../shared/domain/authorization';
import type { DeletionCommit } from '../../../shared/domain/deletion-ports';
import { DeletionService } from '../../../shared/domain/deletion-service';
import type { Actor, DeletionMode, Subject } from '../../../shared/domain/model';
import { actorFactory } from '../../fixtures/actors';
import { scopeList, V1_ACTOR_ACCOUNT, V1_DECISIONS, V1_PARENTS, V2_ACTOR_ACCOUNT, V2_CUSTOMERS, V2_DECISIONS } from '../../fixtures/decision-tables';
import { createTestTable, testClients } from '../support/emulators';

/**
 * The authorization contract: the literal decision tables the policy's unit test checks
 * (test/fixtures/decision-tables.ts), run through DeletionService and DynamoDeletionStore on
 * DynamoDB Local. Each row gets fresh targets. Then the store alone: for every row whose claims
 * allow and whose target the policy then refuses (NOT_MANAGED, NOT_ELIGIBLE), a direct commit with
 * the policy's constraint, and nothing else standing in its way, must be refused by the write's
 * condition, and the same commit without the constraint must go through.
 */

let doc: DynamoDBDocumentClient;
let tableName: string;
let store: DynamoDeletionStore;
let service: DeletionService;

const v1Rows = V1_DECISIONS.map(([role, scopes, parent, mode, expected], i) => ({
  row: i + 1,
  role,
  scopes,
  parent,
  mode,
  expected,
  actor: actorFactory({ role, scopes: scopeList(scopes), accountId: V1_ACTOR_ACCOUNT }),
  /** Deleted (or not) through the service. */
  serviceTarget: `v1-row-${i + 1}`,
  /** Committed directly through the store. */
  storeTarget: `v1-row-${i + 1}-direct`,
}));

const v2Rows = V2_DECISIONS.map(([role, scopes, customer, expected], i) => ({
  row: i + 1,
  role,
  scopes,
  customer,
  expected,
  actor: actorFactory({ role, scopes: scopeList(scopes), accountId: V2_ACTOR_ACCOUNT }),
  serviceTarget: `u-row-${i + 1}`,
  storeTarget: `u-row-${i + 1}-direct`,
}));

/** Rows whose claims allow, so the target alone decides: the constraint is what is under test. */
const v1ByTarget = v1Rows.filter((r) => r.expected === 'ALLOW' || r.expected === 'NOT_MANAGED');
const v2ByTarget = v2Rows.filter((r) => r.expected === 'ALLOW' || r.expected === 'NOT_ELIGIBLE');

beforeAll(async () => {
  const { dynamo, doc: client } = testClients();
  doc = client;
  ({ tableName } = await createTestTable(dynamo, 'authz'));
  store = new DynamoDeletionStore(doc, tableName);
  service = new DeletionService({ store, standing: new DynamoDbActorStanding({ doc, tableName }), clock: { now: () => new Date() }, ids: { newId: () => randomUUID() } });

  const customers: { id: string; parentId: string | null }[] = [
    ...V1_PARENTS.map((id) => ({ id, parentId: null })),
    ...v1Rows.flatMap((r) => [r.serviceTarget, r.storeTarget].map((id) => ({ id, parentId: r.parent }))),
    ...Object.entries(V2_CUSTOMERS).map(([id, parentId]) => ({ id, parentId })),
  ];
  const liveChildren = (id: string) => customers.filter((c) => c.parentId === id).length;
  const items = [
    ...customers.map((c) => customerItem({ ...c, name: `Customer ${c.id}`, email: `${c.id}@example.com`, activeSubscriptions: 0 }, liveChildren(c.id))),
    ...v2Rows.flatMap((r) =>
      [r.serviceTarget, r.storeTarget].map((id) => userItem({ id, customerId: r.customer, name: `User ${id}`, email: `${id}@example.com` })),
    ),
  ];
  await Promise.all(items.map((Item) => doc.send(new PutCommand({ TableName: tableName, Item }))));
}, 60000);

async function customerItemOf(id: string | null) {
  if (id === null) return undefined;
  return (await doc.send(new GetCommand({ TableName: tableName, Key: keys.customer(id), ConsistentRead: true }))).Item;
}

async function userItemOf(customerId: string, userId: string) {
  return (await doc.send(new GetCommand({ TableName: tableName, Key: keys.user(customerId, userId), ConsistentRead: true }))).Item;
}

function inputFor(actor: Actor, mode: DeletionMode) {
  return { actor, mode, reason: 'authorization contract', ticket: null, idempotencyKey: null, correlationId: 'authz-contract' };
}

/** The constraint the policy gives this actor; the rows passed here are those whose claims allow. */
function constraintOf(claims: ReturnType<typeof decideCustomerDeletionByClaims>): TargetConstraint {
  if (!claims.allowed) throw new Error(`test setup: the claims refuse (${claims.code})`);
  return claims.constraint;
}

/** What every commit carries besides its target, as the service would build it. */
function commitParts(actor: Actor, subject: Subject, mode: DeletionMode): DeletionCommit {
  const requestId = randomUUID();
  const at = new Date().toISOString();
  const actorRef = { sub: actor.sub, role: actor.role, accountId: actor.accountId };
  const type = subject.type === 'customer' ? 'customer.delete' : 'user.delete';
  return {
    request: { requestId, type, subject, actor: actorRef, mode, status: 'IN_PROGRESS', createdAt: at, updatedAt: at },
    audit: { auditId: randomUUID(), at, actor: actorRef, target: subject, action: type, mode, reason: null, ticket: null, outcome: 'ALLOWED', requestId, correlationId: 'authz-contract' },
    fact: { eventType: subject.type === 'customer' ? 'customer.deleted' : 'user.deleted', requestId, occurredAt: at, subject, actor: actorRef, mode, reason: null },
    receipt: { requestId, deletedAt: at },
  };
}

describe('v1 table through DeletionService and DynamoDeletionStore', () => {
  it.each(v1Rows.filter((r) => r.expected === 'ALLOW'))(
    'row $row: $role [$scopes] deleting a customer under $parent, $mode → ALLOW',
    async ({ actor, mode, parent, serviceTarget }) => {
      // Prepare
      const parentBefore = await customerItemOf(parent);
      // Act
      const receipt = await service.deleteCustomer(serviceTarget, inputFor(actor, mode));
      // Assess: committed, and the parent's counter moved with it.
      expect(await customerItemOf(serviceTarget)).toMatchObject({ status: mode === 'hard' ? 'PURGED' : 'DELETED', deleteRequestId: receipt.requestId });
      expect((await customerItemOf(parent))?.liveChildren).toBe(parentBefore === undefined ? undefined : Number(parentBefore.liveChildren) - 1);
    },
  );

  it.each(v1Rows.filter((r) => r.expected !== 'ALLOW'))(
    'row $row: $role [$scopes] deleting a customer under $parent, $mode → $expected',
    async ({ actor, mode, parent, serviceTarget, expected }) => {
      // Prepare
      const [before, parentBefore] = [await customerItemOf(serviceTarget), await customerItemOf(parent)];
      // Act
      const error = await service.deleteCustomer(serviceTarget, inputFor(actor, mode)).catch((e: unknown) => e);
      // Assess: refused with the table's code; neither the target nor its parent moved.
      expect(error).toMatchObject({ kind: 'forbidden', code: expected });
      expect(await customerItemOf(serviceTarget)).toEqual(before);
      expect(await customerItemOf(parent)).toEqual(parentBefore);
    },
  );
});

describe('v1 constraint enforced by the store\'s condition alone', () => {
  it.each(v1ByTarget.filter((r) => r.expected === 'ALLOW'))(
    'row $row: the $role constraint commits a customer under $parent',
    async ({ actor, mode, parent, storeTarget }) => {
      const accessConstraint = constraintOf(decideCustomerDeletionByClaims(actor, mode));
      const commit = { ...commitParts(actor, { type: 'customer', customerId: storeTarget }, mode), customerId: storeTarget, accessConstraint, expectedParentId: parent, mode, eraseUserIds: [] };
      await expect(store.commitCustomerDeletion(commit)).resolves.toEqual({ kind: 'committed' });
      expect(await customerItemOf(storeTarget)).toMatchObject({ status: mode === 'hard' ? 'PURGED' : 'DELETED' });
    },
  );

  it.each(v1ByTarget.filter((r) => r.expected !== 'ALLOW'))(
    'row $row: the $role constraint refuses a customer under $parent, with its real parent expected',
    async ({ actor, mode, parent, storeTarget }) => {
      // Prepare: the policy's constraint for this actor; the expected parent is the target's real one,
      // so nothing but the constraint stands in the write's way.
      const accessConstraint = constraintOf(decideCustomerDeletionByClaims(actor, mode));
      const commit = () => ({ ...commitParts(actor, { type: 'customer', customerId: storeTarget }, mode), customerId: storeTarget, expectedParentId: parent, mode, eraseUserIds: [] });
      const [before, parentBefore] = [await customerItemOf(storeTarget), await customerItemOf(parent)];
      // Act
      const refused = await store.commitCustomerDeletion({ ...commit(), accessConstraint });
      // Assess: refused by the condition, nothing moved ...
      expect(refused).toMatchObject({ kind: 'refused', customer: { id: storeTarget, parentId: parent, status: 'ACTIVE' } });
      expect(await customerItemOf(storeTarget)).toEqual(before);
      expect(await customerItemOf(parent)).toEqual(parentBefore);
      // ... and the same commit without the constraint goes through: the constraint alone refused it.
      await expect(store.commitCustomerDeletion({ ...commit(), accessConstraint: { kind: 'any' } })).resolves.toEqual({ kind: 'committed' });
      expect(await customerItemOf(storeTarget)).toMatchObject({ status: 'DELETED' });
    },
  );
});

describe('v2 table through DeletionService and DynamoDeletionStore', () => {
  it.each(v2Rows.filter((r) => r.expected === 'ALLOW'))('row $row: $role [$scopes] deleting a user of $customer → ALLOW', async ({ actor, customer, serviceTarget }) => {
    const receipt = await service.deleteUser(customer, serviceTarget, inputFor(actor, 'soft'));
    const user = await userItemOf(customer, serviceTarget);
    expect(user).toMatchObject({ status: 'DELETED', deleteRequestId: receipt.requestId });
    expect(user).not.toHaveProperty('email');
  });

  it.each(v2Rows.filter((r) => r.expected !== 'ALLOW'))(
    'row $row: $role [$scopes] deleting a user of $customer → $expected',
    async ({ actor, customer, serviceTarget, expected }) => {
      const before = await userItemOf(customer, serviceTarget);
      const error = await service.deleteUser(customer, serviceTarget, inputFor(actor, 'soft')).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'forbidden', code: expected });
      expect(await userItemOf(customer, serviceTarget)).toEqual(before);
    },
  );
});

describe('v2 constraint enforced by the store\'s condition alone', () => {
  it.each(v2ByTarget.filter((r) => r.expected === 'ALLOW'))('row $row: the constraint commits a user of $customer', async ({ actor, customer, storeTarget }) => {
    const accessConstraint = constraintOf(decideUserDeletionByClaims(actor));
    const commit = { ...commitParts(actor, { type: 'user', customerId: customer, userId: storeTarget }, 'soft'), customerId: customer, userId: storeTarget, accessConstraint };
    await expect(store.commitUserDeletion(commit)).resolves.toEqual({ kind: 'committed' });
    expect(await userItemOf(customer, storeTarget)).toMatchObject({ status: 'DELETED' });
  });

  it.each(v2ByTarget.filter((r) => r.expected !== 'ALLOW'))('row $row: the constraint refuses a user of $customer', async ({ actor, customer, storeTarget }) => {
    // Prepare
    const accessConstraint = constraintOf(decideUserDeletionByClaims(actor));
    const commit = () => ({ ...commitParts(actor, { type: 'user', customerId: customer, userId: storeTarget }, 'soft'), customerId: customer, userId: storeTarget });
    const before = await userItemOf(customer, storeTarget);
    // Act
    const refused = await store.commitUserDeletion({ ...commit(), accessConstraint });
    // Assess: refused by the ConditionCheck, the user untouched; without the constraint the same commit goes through.
    expect(refused).toMatchObject({ kind: 'refused', customer: { id: customer, status: 'ACTIVE' }, user: { id: storeTarget, status: 'ACTIVE' } });
    expect(await userItemOf(customer, storeTarget)).toEqual(before);
    await expect(store.commitUserDeletion({ ...commit(), accessConstraint: { kind: 'any' } })).resolves.toEqual({ kind: 'committed' });
    expect(await userItemOf(customer, storeTarget)).toMatchObject({ status: 'DELETED' });
  });
});
