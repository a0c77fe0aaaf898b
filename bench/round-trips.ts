import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { customerItem, userItem } from '../shared/adapters/dynamodb/items';
import type { RequestCounter } from './ddb';
import { putAll } from './ddb';
import { invokeRoute } from './invoke';
import { spread, type Spread } from './stats';
import type { ApiHandler } from './warm';

/**
 * DynamoDB requests per successful call, for every role × mode the API offers (SPEC: a reseller's
 * soft delete is one TransactWriteItems; every other path at most one consistent read and then the
 * transaction), through the real handlers on the counting client. And the 409 for a reseller with
 * many children next to a plain 404: both answered from bounded reads, whatever the children.
 */

export const ROLES = ['RESALE', 'ADMIN', 'MASTER'] as const;
export type Role = (typeof ROLES)[number];
export const PATHS = ['v1 soft', 'v1 hard', 'v2 user', 'restore'] as const;
export type Path = (typeof PATHS)[number];

export interface RoundTripCell {
  role: Role;
  path: Path;
  /** Requests of each successful call; empty when the role may not take this path. */
  requests: number[];
  /** What a role that may not take the path gets (e.g. 403 PURGE_NOT_ALLOWED). */
  refused?: string;
  byCommand: Record<string, number>;
}

export interface Handlers {
  deleteCustomer: ApiHandler;
  deleteUser: ApiHandler;
  restoreCustomer: ApiHandler;
}

const SCOPE = 'customers:delete customers:purge users:delete customers:restore';
const accountOf = (role: Role) => `rt-${role.toLowerCase()}-account`;
const customer = (id: string, parentId: string | null) => ({ id, parentId, name: `Customer ${id}`, email: `${id}@example.invalid`, activeSubscriptions: 0 });

export async function measureRoundTrips(options: {
  doc: DynamoDBDocumentClient;
  tableName: string;
  counter: RequestCounter;
  handlers: Handlers;
  token: (role: Role, accountId: string, scope: string) => Promise<string>;
  perCell: number;
}): Promise<RoundTripCell[]> {
  const { doc, tableName, counter, handlers, perCell } = options;
  const ids = (role: Role, kind: string) => Array.from({ length: perCell }, (_, i) => `rt-${role.toLowerCase()}-${kind}-${i}`);
  // Each role's customers sit under its own account: a reseller manages its children, and v2 reaches
  // the actor's own account and its direct sub-customers, whatever the role.
  const items: Record<string, unknown>[] = [];
  for (const role of ROLES) {
    const children = [...ids(role, 's'), ...ids(role, 'h'), ...ids(role, 'u')];
    items.push(customerItem(customer(accountOf(role), null), children.length));
    items.push(...children.map((id) => customerItem(customer(id, accountOf(role)), 0)));
    // Logins: a hard delete erases them, a v2 delete erases one.
    items.push(...[...ids(role, 'h'), ...ids(role, 'u')].flatMap((id) => [1, 2].map((n) => userItem({ id: `${id}-login${n}`, customerId: id, name: `Login ${n}`, email: `${id}-${n}@example.invalid` }))));
  }
  await putAll(doc, tableName, items);

  const cells: RoundTripCell[] = [];
  const cell = async (role: Role, path: Path, calls: (() => Promise<{ status: number; body: Record<string, unknown> }>)[]) => {
    const requests: number[] = [];
    const before = { ...counter.byCommand };
    for (const call of calls) {
      const start = counter.total;
      const answer = await call();
      if (answer.status === 403) {
        cells.push({ role, path, requests: [], refused: `403 ${String(answer.body.code ?? (answer.body.error as { code?: string } | undefined)?.code ?? '')}`.trim(), byCommand: {} });
        return;
      }
      if (answer.status < 200 || answer.status > 299) throw new Error(`${role} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      requests.push(counter.total - start);
    }
    const byCommand = Object.fromEntries(Object.entries(counter.byCommand).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => Number(v) > 0));
    cells.push({ role, path, requests, byCommand });
  };

  for (const role of ROLES) {
    const token = await options.token(role, accountOf(role), SCOPE);
    const reason = { reason: 'Customer asked to close the account', ticket: 'BENCH-RT' };
    await cell(role, 'v1 soft', ids(role, 's').map((customerId) => () => invokeRoute(handlers.deleteCustomer, { fn: 'delete-customer', pathParameters: { customerId }, token, body: reason })));
    await cell(role, 'v1 hard', ids(role, 'h').map((customerId) => () => invokeRoute(handlers.deleteCustomer, { fn: 'delete-customer', pathParameters: { customerId }, token, query: 'mode=hard', body: reason })));
    await cell(role, 'v2 user', ids(role, 'u').map((customerId) => () => invokeRoute(handlers.deleteUser, { fn: 'delete-user', pathParameters: { customerId, userId: `${customerId}-login1` }, token, body: reason })));
    // The customers this role soft-deleted above, restored.
    await cell(role, 'restore', ids(role, 's').map((customerId) => () => invokeRoute(handlers.restoreCustomer, { fn: 'restore-customer', pathParameters: { customerId }, token, body: reason, idempotent: false })));
  }
  return cells;
}

export interface ConflictResult {
  children: number;
  conflictMs: Spread;
  notFoundMs: Spread;
  conflictRequests: Spread;
  notFoundRequests: Spread;
  conflictByCommand: Record<string, number>;
  /** How many blockers the 409 listed, and the total it named. */
  blockersListed: number;
  blockersTotal: number;
  seedSeconds: number;
}

/**
 * An ADMIN deletes a reseller with `children` live sub-customers (409) and, interleaved, a customer
 * that does not exist (404), `samples` times each; time and DynamoDB requests of each answer.
 */
export async function measureConflict(options: {
  doc: DynamoDBDocumentClient;
  tableName: string;
  counter: RequestCounter;
  handler: ApiHandler;
  token: string;
  children: number;
  samples: number;
  onProgress?: (text: string) => void;
}): Promise<ConflictResult> {
  const { doc, tableName, counter, handler, token, children, samples } = options;
  const parent = 'cf-reseller';
  const seedStart = performance.now();
  const childIds = Array.from({ length: children }, (_, i) => `cf-child-${String(i).padStart(6, '0')}`);
  await putAll(doc, tableName, [customerItem(customer(parent, null), children), ...childIds.map((id) => customerItem(customer(id, parent), 0))], 8);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  options.onProgress?.(`  seeded ${children} children in ${seedSeconds.toFixed(1)} s`);

  const conflictMs: number[] = [];
  const notFoundMs: number[] = [];
  const conflictRequests: number[] = [];
  const notFoundRequests: number[] = [];
  const conflictCommands: Record<string, number> = {};
  let blockersListed = 0;
  let blockersTotal = 0;
  const body = { reason: 'Offboarding', ticket: 'BENCH-CF' };
  // One of each first (warm-up), then alternating which goes first.
  for (let i = -1; i < samples; i += 1) {
    const conflict = async () => {
      const start = performance.now();
      const requestsBefore = counter.total;
      const commandsBefore = { ...counter.byCommand };
      const answer = await invokeRoute(handler, { fn: 'delete-customer', pathParameters: { customerId: parent }, token, body });
      const ms = performance.now() - start;
      for (const [k, v] of Object.entries(counter.byCommand)) if (v > (commandsBefore[k] ?? 0)) conflictCommands[k] = (conflictCommands[k] ?? 0) + v - (commandsBefore[k] ?? 0);
      if (answer.status !== 409) throw new Error(`deleting the reseller with ${children} children answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      if (i >= 0) {
        conflictMs.push(ms);
        conflictRequests.push(counter.total - requestsBefore);
        const blockers = (answer.body.blockers ?? (answer.body.details as { blockers?: unknown[] } | undefined)?.blockers) as unknown[] | undefined;
        blockersListed = blockers?.length ?? 0;
        blockersTotal = Number(answer.body.total ?? (answer.body.details as { total?: number } | undefined)?.total ?? 0);
      }
    };
    const notFound = async () => {
      const start = performance.now();
      const requestsBefore = counter.total;
      const answer = await invokeRoute(handler, { fn: 'delete-customer', pathParameters: { customerId: `cf-missing-${i + 1}` }, token, body });
      const ms = performance.now() - start;
      if (answer.status !== 404) throw new Error(`deleting a missing customer answered ${answer.status}`);
      if (i >= 0) {
        notFoundMs.push(ms);
        notFoundRequests.push(counter.total - requestsBefore);
      }
    };
    if (i % 2 === 0) {
      await conflict();
      await notFound();
    } else {
      await notFound();
      await conflict();
    }
  }
  // Per 409 (the warm-up's included).
  const conflictByCommand = Object.fromEntries(Object.entries(conflictCommands).map(([k, v]) => [k, v / (samples + 1)]));
  return {
    children,
    conflictMs: spread(conflictMs),
    notFoundMs: spread(notFoundMs),
    conflictRequests: spread(conflictRequests),
    notFoundRequests: spread(notFoundRequests),
    conflictByCommand,
    blockersListed,
    blockersTotal,
    seedSeconds,
  };
}

export function cellMean(cell: RoundTripCell): number {
  return cell.requests.reduce((a, b) => a + b, 0) / cell.requests.length;
}

