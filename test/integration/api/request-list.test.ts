import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../infra/local/stack';
import { requestItem, userItem } from '../../../shared/adapters/dynamodb/items';
import { requestIndexKeys } from '../../../shared/adapters/dynamodb/keys';
import type { DeletionRequest, RequestStatus, RequestType } from '../../../shared/domain/model';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { testClients } from '../support/emulators';
import { call, startTestStack } from './stack-harness';

/**
 * SPEC "Requests": `GET /api/v2/requests` through real HTTP on the local stack, over requests
 * written as the service writes them (the item builder, so with their index keys): the caller
 * account's only (ADMIN: every account's, merged from the sharded index), newest first, filtered,
 * with a real pageable and its edges.
 */

let stack: LocalStack;

const TYPES: RequestType[] = ['customer.delete', 'user.delete', 'customer.purge', 'customer.restore'];
const HOUR_MS = 3600_000;

interface Seeded {
  requestId: string;
  accountId: string;
  status: RequestStatus;
  type: RequestType;
  createdAt: string;
}

const seeded: Seeded[] = [];

/** A request of `accountId` created `ageHours` ago; SUCCESS ones mostly have their receipt (the index's DONE state). */
function seededRequest(i: number, accountId: string, ageHours: number): { item: Record<string, unknown>; meta: Seeded } {
  const status: RequestStatus = i % 3 === 0 ? 'FAILED' : i % 5 === 0 ? 'IN_PROGRESS' : 'SUCCESS';
  const type = TYPES[i % TYPES.length]!;
  const createdAt = new Date(Date.now() - ageHours * HOUR_MS).toISOString();
  const request: DeletionRequest = {
    requestId: `req-${accountId}-${String(i).padStart(3, '0')}`,
    type,
    subject: { type: 'customer', customerId: `c-${i}` },
    actor: { sub: `op-of-${accountId}`, role: 'RESALE', accountId },
    reason: `reason ${i}`,
    mode: 'soft',
    status,
    steps: { devices: { status: status === 'SUCCESS' ? 'SUCCESS' : status === 'FAILED' ? 'FAILED' : 'PENDING', attempts: 1, updatedAt: createdAt } },
    createdAt,
    updatedAt: createdAt,
  };
  const item = requestItem(request);
  // Most SUCCESS requests have their receipt, so the receipt store has moved them to DONE; every 4th waits for it.
  const done = status === 'SUCCESS' && i % 4 !== 0;
  return { item: done ? { ...item, ...requestIndexKeys(request, 'DONE') } : item, meta: { requestId: request.requestId, accountId, status, type, createdAt } };
}

beforeAll(async () => {
  const seed = new SeedBuilder().customer('reseller-1', null).user('op-1', 'reseller-1').customer('reseller-2', null).customer('reseller-3', null).customer('c-live', 'reseller-1');
  stack = await startTestStack(seed.build());
  const { doc } = testClients();
  const items: Record<string, unknown>[] = [];
  // reseller-1: 105 requests, one every hour back from 2 hours ago (so all but the newest few are overdue when not SUCCESS).
  for (let i = 0; i < 105; i += 1) {
    const { item, meta } = seededRequest(i, 'reseller-1', 2 + i);
    items.push(item);
    seeded.push(meta);
  }
  // reseller-2: 7 requests.
  for (let i = 0; i < 7; i += 1) {
    const { item, meta } = seededRequest(i, 'reseller-2', 3 + i * 7);
    items.push(item);
    seeded.push(meta);
  }
  for (let i = 0; i < items.length; i += 25) {
    await doc.send(new BatchWriteCommand({ RequestItems: { [stack.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
  // A login of reseller-2 that was deleted: its token is revoked.
  await doc.send(new PutCommand({ TableName: stack.tableName, Item: userItem({ id: 'op-gone', customerId: 'reseller-2', name: 'Gone', email: 'gone@example.com', status: 'DELETED' }) }));
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

const reseller = (accountId: string, sub = `op-of-${accountId}`) => tokenFor({ sub, accountId, role: 'RESALE', scope: 'customers:delete' });
const admin = () => tokenFor({ sub: 'admin-1', accountId: 'platform', role: 'ADMIN', scope: 'customers:read' });

const newestFirst = (rows: Seeded[]) => [...rows].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.requestId < b.requestId ? 1 : -1));
const ids = (content: unknown) => (content as { requestId: string }[]).map((r) => r.requestId);
const isOverdue = (row: Seeded) => row.status !== 'SUCCESS' && Date.parse(row.createdAt) + 24 * HOUR_MS < Date.now();

async function list(token: string, query: string) {
  const response = await call(stack, 'GET', `/api/v2/requests${query}`, { token });
  return { ...response, content: response.json.content as Record<string, unknown>[], pageable: response.json.pageable as Record<string, number> };
}

describe('GET /api/v2/requests', () => {
  it('gives a reseller its own account’s requests, newest first, 20 to a page by default, with the real totals', async () => {
    const mine = newestFirst(seeded.filter((r) => r.accountId === 'reseller-1'));

    const response = await list(await reseller('reseller-1'), '');

    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ errorCode: '', errorMessage: '' });
    expect(response.pageable).toEqual({ page: 0, size: 20, totalPages: 6, totalElements: 105 });
    expect(ids(response.content)).toEqual(mine.slice(0, 20).map((r) => r.requestId));
    expect(response.content.every((r) => (r.actor as { accountId: string }).accountId === 'reseller-1')).toBe(true);
  });

  it('shows each request as SPEC gives it: actor, reason, dueAt and overdue, completedAt once SUCCESS, steps with counts', async () => {
    const response = await list(await reseller('reseller-1'), '?size=10');
    const byId = new Map(seeded.map((r) => [r.requestId, r]));
    for (const view of response.content) {
      const row = byId.get(String(view.requestId))!;
      expect(view).toMatchObject({ type: row.type, status: row.status, actor: { sub: 'op-of-reseller-1', role: 'RESALE', accountId: 'reseller-1' }, mode: 'soft', createdAt: row.createdAt });
      expect(view.reason).toMatch(/^reason \d+$/);
      expect(view.dueAt).toBe(new Date(Date.parse(row.createdAt) + 24 * HOUR_MS).toISOString());
      expect(view.overdue).toBe(isOverdue(row));
      expect(view.completedAt).toBe(row.status === 'SUCCESS' ? row.createdAt : undefined);
      expect(view.steps).toEqual({ devices: expect.objectContaining({ count: 0, lastError: null, attempts: 1 }) });
      expect(view).not.toHaveProperty('ownerAccountId');
      expect(view).not.toHaveProperty('gsi1pk');
    }
  });

  it('pages to the end: the last page is partial, a page past it is empty with the same totals, size 100 is one page', async () => {
    const mine = newestFirst(seeded.filter((r) => r.accountId === 'reseller-1'));
    const token = await reseller('reseller-1');

    const last = await list(token, '?page=5&size=20');
    const past = await list(token, '?page=6&size=20');
    const hundred = await list(token, '?size=100');
    const second = await list(token, '?page=1&size=100');

    expect(ids(last.content)).toEqual(mine.slice(100).map((r) => r.requestId));
    expect(last.pageable).toEqual({ page: 5, size: 20, totalPages: 6, totalElements: 105 });
    expect(past.content).toEqual([]);
    expect(past.pageable).toEqual({ page: 6, size: 20, totalPages: 6, totalElements: 105 });
    expect(ids(hundred.content)).toEqual(mine.slice(0, 100).map((r) => r.requestId));
    expect(ids(second.content)).toEqual(mine.slice(100).map((r) => r.requestId));
  });

  it('gives an account with no requests an empty page', async () => {
    const response = await list(await reseller('reseller-3'), '');

    expect(response.status).toBe(200);
    expect(response.content).toEqual([]);
    expect(response.pageable).toEqual({ page: 0, size: 20, totalPages: 0, totalElements: 0 });
  });

  it('filters by status, type and overdue, counting only what matches', async () => {
    const token = await reseller('reseller-1');
    const mine = newestFirst(seeded.filter((r) => r.accountId === 'reseller-1'));
    const cases: [string, Seeded[]][] = [
      ['?status=FAILED&size=100', mine.filter((r) => r.status === 'FAILED')],
      ['?type=user.delete&size=100', mine.filter((r) => r.type === 'user.delete')],
      ['?overdue=true&size=100', mine.filter(isOverdue)],
      ['?status=IN_PROGRESS&type=customer.delete&size=100', mine.filter((r) => r.status === 'IN_PROGRESS' && r.type === 'customer.delete')],
      ['?overdue=false&size=100', mine.slice(0, 100)],
    ];
    for (const [query, expected] of cases) {
      const response = await list(token, query);
      expect(response.status).toBe(200);
      expect(ids(response.content)).toEqual(expected.slice(0, 100).map((r) => r.requestId));
      expect(response.pageable.totalElements).toBe(query.startsWith('?overdue=false') ? 105 : expected.length);
    }
    const overdue = await list(token, '?overdue=true&size=100');
    expect(overdue.content.length).toBeGreaterThan(10);
    expect(overdue.content.every((r) => r.overdue === true && r.status !== 'SUCCESS')).toBe(true);
  });

  it('gives ADMIN every account’s requests, merged newest first from the index’s shards, with filters and paging', async () => {
    const all = newestFirst(seeded);
    const token = await admin();

    const first = await list(token, '?size=50');
    const third = await list(token, '?page=2&size=50');
    const success = await list(token, '?status=SUCCESS&size=100');
    const overdue = await list(token, '?overdue=true&size=100');

    expect(first.pageable).toEqual({ page: 0, size: 50, totalPages: 3, totalElements: all.length });
    expect(ids(first.content)).toEqual(all.slice(0, 50).map((r) => r.requestId));
    expect(ids(third.content)).toEqual(all.slice(100).map((r) => r.requestId));
    // SUCCESS requests are in both states of the index: with their receipt (DONE) and waiting for it (OPEN).
    expect(ids(success.content)).toEqual(all.filter((r) => r.status === 'SUCCESS').map((r) => r.requestId));
    expect(ids(overdue.content)).toEqual(all.filter(isOverdue).map((r) => r.requestId));
    expect(overdue.pageable.totalElements).toBe(all.filter(isOverdue).length);
  });

  it('lists a deletion made through the API at once, as its status read shows it', async () => {
    const token = await reseller('reseller-1', 'op-1');
    const deleted = await call(stack, 'DELETE', '/customer/c-live', { token, body: JSON.stringify({ reason: 'churned', ticket: 'T-1' }) });
    expect(deleted.status).toBe(200);

    const response = await list(token, '?size=1');
    const status = await call(stack, 'GET', `/api/v2/requests/${String(deleted.json.requestId)}`, { token });

    expect(response.content[0]).toMatchObject({
      requestId: deleted.json.requestId,
      type: 'customer.delete',
      status: 'IN_PROGRESS',
      actor: { sub: 'op-1', role: 'RESALE', accountId: 'reseller-1' },
      reason: 'churned',
      ticket: 'T-1',
      overdue: false,
    });
    expect(response.content[0]).toEqual((status.json.content as unknown[])[0]);
  });

  it('refuses bad paging and filters with a 400 naming the parameter, and nothing else', async () => {
    const token = await reseller('reseller-1');
    const cases: [string, RegExp][] = [
      ['?size=101', /size must be between 1 and 100/],
      ['?size=0', /size must be between 1 and 100/],
      ['?page=101&size=100', /page × size must be at most 10000/],
      ['?page=-1', /page must be a non-negative integer/],
      ['?status=DONE', /status must be one of IN_PROGRESS, SUCCESS, FAILED/],
      ['?type=customer.erase', /type must be one of/],
      ['?overdue=yes', /overdue must be one of true, false/],
      ['?sort=asc', /Unknown query parameter\(s\): sort/],
    ];
    for (const [query, message] of cases) {
      const response = await list(token, query);
      expect({ query, status: response.status, code: response.json.errorCode }).toEqual({ query, status: 400, code: 'VALIDATION_1001' });
      expect(String(response.json.errorMessage)).toMatch(message);
    }
    expect((await list(token, '?page=100&size=100')).status).toBe(200);
  });

  it('refuses a revoked actor (401, even with bad input) and a missing token', async () => {
    const revoked = await reseller('reseller-2', 'op-gone');

    expect((await list(revoked, '')).status).toBe(401);
    expect((await list(revoked, '?size=500')).status).toBe(401);
    expect((await call(stack, 'GET', '/api/v2/requests')).status).toBe(401);
  });
});
