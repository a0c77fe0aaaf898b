import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { partitionsFor } from '../../../shared/adapters/dynamodb/request-index';
import { requestShard } from '../../../shared/adapters/dynamodb/keys';
import { REQUEST_SHARDS } from '../../../infra/catalog';
import { TokenRevokedError, ValidationError } from '../../../shared/domain/errors';
import type { Actor } from '../../../shared/domain/model';
import { listRequestsFor, requestScopeOf, type RequestIndex, type RequestIndexQuery } from '../../../shared/domain/request-list';
import { completedAtOf, dueAt, isOverdue, overdueCreatedBefore, slaView } from '../../../shared/domain/request-sla';
import { requestFilter } from '../../../shared/http/routes/list-requests';

const actor = (role: Actor['role'], accountId = 'acct-1'): Actor => ({ sub: 'op', role, accountId, scopes: new Set() });

describe('the completion SLA', () => {
  const created = '2026-11-01T10:00:00.000Z';

  it('is due completionSlaHours after creation', () => {
    expect(dueAt(created, 24)).toBe('2026-11-02T10:00:00.000Z');
    expect(dueAt(created, 1)).toBe('2026-11-01T11:00:00.000Z');
  });

  it('is overdue only when not SUCCESS and past its due time', () => {
    const justAfter = new Date('2026-11-02T10:00:00.001Z');
    const exactly = new Date('2026-11-02T10:00:00.000Z');
    expect(isOverdue({ status: 'IN_PROGRESS', createdAt: created }, 24, justAfter)).toBe(true);
    expect(isOverdue({ status: 'FAILED', createdAt: created }, 24, justAfter)).toBe(true);
    expect(isOverdue({ status: 'SUCCESS', createdAt: created }, 24, justAfter)).toBe(false);
    expect(isOverdue({ status: 'IN_PROGRESS', createdAt: created }, 24, exactly)).toBe(false);
  });

  it('gives the list its overdue cutoff: created before now minus the SLA', () => {
    expect(overdueCreatedBefore(new Date('2026-11-02T10:00:00.000Z'), 24)).toBe(created);
  });

  it('completes a SUCCESS request when its last step succeeded, and no other', () => {
    const steps = { a: { updatedAt: '2026-11-01T10:05:00.000Z' }, b: { updatedAt: '2026-11-01T10:07:00.000Z' } };
    expect(completedAtOf({ status: 'SUCCESS', createdAt: created, steps })).toBe('2026-11-01T10:07:00.000Z');
    expect(completedAtOf({ status: 'FAILED', createdAt: created, steps })).toBeUndefined();
    expect(slaView({ status: 'IN_PROGRESS', createdAt: created, steps }, 24, new Date(created))).toEqual({ dueAt: '2026-11-02T10:00:00.000Z', overdue: false });
  });
});

describe('listRequestsFor', () => {
  function recordingIndex(revoked = false) {
    const queries: RequestIndexQuery[] = [];
    const index: RequestIndex = {
      pageAsSeenBy: async (_actor, query) => {
        queries.push(query);
        return { requests: [], totalElements: 41, actorRevoked: revoked };
      },
    };
    return { index, queries };
  }
  const sla = { completionSlaHours: 24, now: new Date('2026-11-30T00:00:00.000Z') };

  it('reads one account for RESALE and MASTER, every account for ADMIN', () => {
    expect(requestScopeOf(actor('RESALE', 'r-1'))).toEqual({ kind: 'account', accountId: 'r-1' });
    expect(requestScopeOf(actor('MASTER', 'm-1'))).toEqual({ kind: 'account', accountId: 'm-1' });
    expect(requestScopeOf(actor('ADMIN', 'platform'))).toEqual({ kind: 'all' });
  });

  it('asks the index for the page as an offset, the filters, and the overdue cutoff; answers the real pageable', async () => {
    const { index, queries } = recordingIndex();

    const result = await listRequestsFor(actor('RESALE', 'r-1'), { status: 'FAILED', type: 'user.delete', overdue: true }, { page: 2, size: 20 }, { index }, sla);

    expect(queries).toEqual([
      { scope: { kind: 'account', accountId: 'r-1' }, status: 'FAILED', type: 'user.delete', overdueCreatedBefore: '2026-11-29T00:00:00.000Z', offset: 40, size: 20 },
    ]);
    expect(result.pageable).toEqual({ page: 2, size: 20, totalPages: 3, totalElements: 41 });
  });

  it('refuses a revoked actor', async () => {
    const { index } = recordingIndex(true);
    await expect(listRequestsFor(actor('ADMIN'), {}, { page: 0, size: 20 }, { index }, sla)).rejects.toBeInstanceOf(TokenRevokedError);
  });
});

describe('the request list’s filters', () => {
  const withQuery = (query: Record<string, string>) => ({ queryStringParameters: query }) as unknown as APIGatewayProxyEventV2;

  it.each([
    [{}, {}],
    [{ status: 'FAILED', type: 'customer.purge', overdue: 'true', page: '1', size: '5' }, { status: 'FAILED', type: 'customer.purge', overdue: true }],
    [{ overdue: 'false' }, {}],
  ])('reads %j as %j', (query, expected) => {
    expect(requestFilter(withQuery(query))).toEqual(expected);
  });

  it.each([
    [{ status: 'success' }, 'status must be one of IN_PROGRESS, SUCCESS, FAILED'],
    [{ type: 'batch-of-things' }, 'type must be one of customer.delete, user.delete, customer.purge, customer.restore, batch'],
    [{ overdue: '1' }, 'overdue must be one of true, false'],
    [{ owner: 'someone' }, 'Unknown query parameter(s): owner'],
  ])('refuses %j: %s', (query, message) => {
    expect(() => requestFilter(withQuery(query))).toThrow(new ValidationError('VALIDATION_1001', message));
  });
});

describe('the request indexes', () => {
  it('reads one account’s partition of byParent', () => {
    expect(partitionsFor({ scope: { kind: 'account', accountId: 'r-1' } })).toEqual([{ indexName: 'byParent', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', value: 'ACCOUNT#r-1' }]);
  });

  it('reads every shard of both states for ADMIN, and only the open ones when done requests cannot match', () => {
    const values = (query: Parameters<typeof partitionsFor>[0]) => partitionsFor(query).map((p) => p.value);
    const open = Array.from({ length: REQUEST_SHARDS }, (_, i) => `REQUESTS_OPEN#${i}`);
    const done = Array.from({ length: REQUEST_SHARDS }, (_, i) => `REQUESTS_DONE#${i}`);
    expect(values({ scope: { kind: 'all' } })).toEqual([...open, ...done]);
    expect(values({ scope: { kind: 'all' }, status: 'SUCCESS' })).toEqual([...open, ...done]);
    expect(values({ scope: { kind: 'all' }, status: 'FAILED' })).toEqual(open);
    expect(values({ scope: { kind: 'all' }, overdueCreatedBefore: '2026-01-01T00:00:00.000Z' })).toEqual(open);
  });

  it('spreads request ids over all shards, each getting a fair part', () => {
    const counts = new Array<number>(REQUEST_SHARDS).fill(0);
    for (let i = 0; i < 8000; i += 1) {
      const shard = requestShard(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(700);
    expect(requestShard('abc')).toBe(requestShard('abc'));
  });
});
