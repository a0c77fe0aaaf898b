import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDeletionStore } from '../../../shared/adapters/dynamodb/deletion-store';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { DynamoLifecycleStore } from '../../../shared/adapters/dynamodb/lifecycle-store';
import type { AuditRecord, DeletionCommit } from '../../../shared/domain/deletion-ports';
import { createTestTable, testClients } from '../support/emulators';

/**
 * SPEC "Audit trail": audit records are append-only. Every place that writes one (found by the
 * source guard below, so a new writer cannot slip past) writes it with `attribute_not_exists(pk)`,
 * and DynamoDB Local refuses a second write of the same audit key: the first record stays as it was.
 * (In AWS every role is also denied UpdateItem and DeleteItem on audit keys: test/infra/service-stacks.test.ts.)
 */

const REPO = join(__dirname, '..', '..', '..');
/** The modules that write audit items, each exercised below. */
const AUDIT_WRITERS = ['shared/adapters/dynamodb/deletion-store.ts', 'shared/adapters/dynamodb/lifecycle-store.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

let tableName: string;
let doc: DynamoDBDocumentClient;
/** Every audit item each write sent, with the condition it carried. */
let auditWrites: { pk: string; condition: string | undefined }[];

/** The document client, recording each audit item written through Put or TransactWriteItems. */
function recording(inner: DynamoDBDocumentClient): DynamoDBDocumentClient {
  const record = (item: Record<string, unknown> | undefined, condition: string | undefined) => {
    if (typeof item?.pk === 'string' && item.pk.startsWith('AUDIT#')) auditWrites.push({ pk: item.pk, condition });
  };
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return (command: { input: Record<string, unknown> }, ...rest: unknown[]) => {
        const input = command.input as { Item?: Record<string, unknown>; ConditionExpression?: string; TransactItems?: { Put?: { Item: Record<string, unknown>; ConditionExpression?: string } }[] };
        record(input.Item, input.ConditionExpression);
        for (const item of input.TransactItems ?? []) record(item.Put?.Item, item.Put?.ConditionExpression);
        return (target.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
      };
    },
  });
}

beforeAll(async () => {
  const clients = testClients();
  ({ tableName } = await createTestTable(clients.dynamo, 'audit'));
  doc = recording(clients.doc);
});

beforeEach(() => {
  auditWrites = [];
});

function auditRecord(customerId: string, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    auditId: 'a-1',
    at: '2026-01-01T00:00:00.000Z',
    actor: { sub: 'op-1', role: 'ADMIN', accountId: 'platform' },
    target: { type: 'customer', customerId },
    action: 'customer.delete',
    mode: 'soft',
    reason: null,
    ticket: null,
    outcome: 'DENIED',
    detail: 'SCOPE_MISSING',
    correlationId: 'corr-1',
    ...overrides,
  };
}

async function storedAudit(record: AuditRecord) {
  return (await doc.send(new GetCommand({ TableName: tableName, Key: keys.audit(record.target.customerId, record.at, record.auditId), ConsistentRead: true }))).Item;
}

async function cancellation(run: () => Promise<unknown>): Promise<(string | undefined)[]> {
  try {
    await run();
  } catch (error) {
    if (error instanceof TransactionCanceledException) return (error.CancellationReasons ?? []).map((r) => r.Code);
    throw error;
  }
  throw new Error('the second write was accepted');
}

function expectEveryAuditWriteConditioned(count: number): void {
  expect(auditWrites).toHaveLength(count);
  for (const write of auditWrites) expect(write.condition).toBe('attribute_not_exists(pk)');
}

describe('the writers of audit items', () => {
  it('are exactly the modules this file exercises', () => {
    const writers = sourceFiles(join(REPO, 'shared'))
      .filter((file) => /keys\.audit\(|auditItem\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(REPO, file).split('\\').join('/'))
      .filter((file) => file !== 'shared/adapters/dynamodb/keys.ts');

    expect(writers.sort()).toEqual([...AUDIT_WRITERS].sort());
  });
});

describe('a second write of the same audit key is refused', () => {
  it('the deletion store’s lone audit record (a refusal’s)', async () => {
    const store = new DynamoDeletionStore(doc, tableName);
    const first = auditRecord('c-lone');
    await store.writeAudit(first);

    await expect(store.writeAudit({ ...first, outcome: 'ALLOWED', detail: undefined })).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });

    expect(await storedAudit(first)).toMatchObject({ outcome: 'DENIED', detail: 'SCOPE_MISSING' });
    expectEveryAuditWriteConditioned(2);
  });

  it('the deletion store’s transaction (every deletion, purge and restore commits through it)', async () => {
    const store = new DynamoDeletionStore(doc, tableName);
    const audit = auditRecord('c-commit', { outcome: 'ALLOWED', detail: undefined, requestId: 'r-1' });
    const commit = (requestId: string): DeletionCommit => ({
      request: {
        requestId,
        type: 'customer.delete',
        subject: { type: 'customer', customerId: 'c-commit' },
        actor: audit.actor,
        mode: 'soft',
        status: 'IN_PROGRESS',
        createdAt: audit.at,
        updatedAt: audit.at,
      },
      audit: { ...audit, requestId },
      fact: { eventType: 'customer.deleted', requestId, occurredAt: audit.at, subject: { type: 'customer', customerId: 'c-commit' }, actor: audit.actor, mode: 'soft', reason: null },
      receipt: { requestId, deletedAt: audit.at },
    });
    const explain = () => ({ kind: 'refused' as const, customer: undefined });
    await expect(store.commit(commit('r-1'), [], explain)).resolves.toEqual({ kind: 'committed' });

    // Another request (its own request and outbox keys), the same audit key: only the audit Put fails.
    const reasons = await cancellation(() => store.commit(commit('r-2'), [], explain));

    expect(reasons.filter((code) => code === 'ConditionalCheckFailed')).toHaveLength(1);
    expect(await storedAudit(audit)).toMatchObject({ requestId: 'r-1' });
    expectEveryAuditWriteConditioned(2);
  });

  it('the lifecycle store’s legal-hold transaction', async () => {
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...keys.customer('c-held'), entityType: 'customer', id: 'c-held', parentId: null, status: 'ACTIVE', activeSubscriptions: 0, liveChildren: 0 } }));
    const store = new DynamoLifecycleStore(doc, tableName);
    const audit = auditRecord('c-held', { action: 'legal-hold.place', outcome: 'ALLOWED', detail: undefined, reason: 'litigation' });
    const hold = { kind: 'place' as const, hold: { placedAt: audit.at, placedBy: 'op-1', reason: 'litigation' } };
    await expect(store.commitLegalHold({ customerId: 'c-held', change: hold, audit, actor: audit.actor })).resolves.toEqual({ kind: 'committed' });

    const reasons = await cancellation(() => store.commitLegalHold({ customerId: 'c-held', change: hold, audit: { ...audit, reason: 'rewritten' }, actor: audit.actor }));

    expect(reasons.filter((code) => code === 'ConditionalCheckFailed')).toHaveLength(1);
    expect(await storedAudit(audit)).toMatchObject({ reason: 'litigation' });
    expectEveryAuditWriteConditioned(2);
  });
});
