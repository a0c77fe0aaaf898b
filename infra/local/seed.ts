import { readFileSync } from 'node:fs';
import { DeleteTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ID_PATTERN } from '../../shared/domain/model';
import { customerItem, deviceItem, sessionItem, userItem } from '../../shared/adapters/dynamodb/items';

const id = z.string().regex(ID_PATTERN, 'ids are 1-128 characters of [A-Za-z0-9._:-]');

/** The seed file format of SPEC.md ("Local stack"). */
export const seedSchema = z.object({
  customers: z.array(
    z.object({
      id,
      parentId: id.nullable(),
      name: z.string().min(1),
      email: z.string().email(),
      activeSubscriptions: z.number().int().min(0).default(0),
    }),
  ),
  users: z.array(z.object({ id, customerId: id, name: z.string().min(1), email: z.string().email() })).default([]),
  devices: z.array(z.object({ id, customerId: id, userId: id.optional() })).default([]),
  sessions: z.array(z.object({ id, customerId: id, userId: id.optional() })).default([]),
});

export type SeedData = z.infer<typeof seedSchema>;

export class SeedFileError extends Error {
  constructor(file: string, detail: string) {
    super(`Seed file ${file} is invalid: ${detail}`);
    this.name = 'SeedFileError';
  }
}

export function readSeedFile(file: string): SeedData {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SeedFileError(file, error instanceof Error ? error.message : String(error));
  }
  const parsed = seedSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SeedFileError(file, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'does not match the format'}`);
  }
  const data = parsed.data;
  // A repeated id would otherwise surface as DynamoDB's "item keys contain duplicates" at startup.
  for (const [kind, list] of [['customer', data.customers], ['user', data.users], ['device', data.devices], ['session', data.sessions]] as const) {
    const seen = new Set<string>();
    for (const item of list) {
      if (seen.has(item.id)) throw new SeedFileError(file, `duplicate ${kind} id ${item.id}`);
      seen.add(item.id);
    }
  }
  const customerIds = new Set(data.customers.map((c) => c.id));
  for (const c of data.customers) if (c.parentId !== null && !customerIds.has(c.parentId)) throw new SeedFileError(file, `customer ${c.id} has unknown parent ${c.parentId}`);
  // A customer in a parent cycle always has a live child (the next one round), so it could never be deleted.
  const cycle = parentCycle(data.customers);
  if (cycle) throw new SeedFileError(file, `parent cycle ${cycle.join(' -> ')}`);
  for (const list of [data.users, data.devices, data.sessions])
    for (const item of list) if (!customerIds.has(item.customerId)) throw new SeedFileError(file, `${item.id} refers to unknown customer ${item.customerId}`);
  const userCustomer = new Map(data.users.map((u) => [u.id, u.customerId]));
  for (const item of [...data.devices, ...data.sessions])
    if (item.userId !== undefined && userCustomer.get(item.userId) !== item.customerId) throw new SeedFileError(file, `${item.id} refers to unknown user ${item.userId} of customer ${item.customerId}`);
  return data;
}

/** The first parent cycle among the customers, as the ids met following parentId (`a -> b -> a`); undefined when there is none. */
export function parentCycle(customers: readonly { id: string; parentId: string | null }[]): string[] | undefined {
  const parentOf = new Map(customers.map((c) => [c.id, c.parentId]));
  const cleared = new Set<string>(); // ids known to lead to a root
  for (const { id: start } of customers) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let current: string | null | undefined = start;
    while (current != null && !cleared.has(current)) {
      if (onPath.has(current)) return [...path.slice(path.indexOf(current)), current];
      onPath.add(current);
      path.push(current);
      current = parentOf.get(current);
    }
    for (const seen of path) cleared.add(seen);
  }
  return undefined;
}

/**
 * The customers the start-up banner may offer to delete, in seed order: those a reseller token
 * can delete at once (each has a parent, no active subscriptions and no sub-customers).
 */
export function exampleCandidates(data: SeedData): SeedData['customers'] {
  const parents = new Set(data.customers.map((c) => c.parentId));
  return data.customers.filter((c) => c.parentId !== null && c.activeSubscriptions === 0 && !parents.has(c.id));
}

/** Every item the seed describes, ready to write. */
export function seedItems(data: SeedData): Record<string, unknown>[] {
  const liveChildren = new Map<string, number>();
  for (const c of data.customers) if (c.parentId) liveChildren.set(c.parentId, (liveChildren.get(c.parentId) ?? 0) + 1);
  return [
    ...data.customers.map((c) => customerItem(c, liveChildren.get(c.id) ?? 0)),
    ...data.users.map((u) => userItem(u)),
    ...data.devices.map((d) => deviceItem(d)),
    ...data.sessions.map((s) => sessionItem(s)),
  ];
}

export async function loadSeed(client: DynamoDBDocumentClient, tableName: string, data: SeedData): Promise<number> {
  const items = seedItems(data);
  for (let i = 0; i < items.length; i += 25) {
    let pending: Record<string, unknown>[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 5) throw new Error('DynamoDB Local kept items unprocessed while seeding');
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  }
  return items.length;
}

/**
 * Loads the seed only into an empty table: a persisted table (`--persist DIR`) keeps what happened
 * to it (a deleted customer stays deleted) instead of being seeded back on every start.
 */
export async function seedIfEmpty(client: DynamoDBDocumentClient, tableName: string, data: SeedData): Promise<{ loaded: boolean; items: number }> {
  const probe = await client.send(new ScanCommand({ TableName: tableName, Limit: 1, ProjectionExpression: 'pk' }));
  if ((probe.Items ?? []).length > 0 || probe.LastEvaluatedKey !== undefined) return { loaded: false, items: 0 };
  return { loaded: true, items: await loadSeed(client, tableName, data) };
}

/** `npm start -- --reset`: deletes the table with all its data, so it is created and seeded afresh; false when there was none. */
export async function deleteTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}
