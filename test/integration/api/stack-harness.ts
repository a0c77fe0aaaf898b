import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '../../../infra/local/stack';
import type { SeedData } from '../../../infra/local/seed';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { assertDescribed } from '../../fixtures/openapi-validator';
import { testClients, uniqueName } from '../support/emulators';

/** One local stack per test file, on the run's shared emulators, with pollers under the test's control. */
export async function startTestStack(
  seed: SeedData,
  options: { pollers?: boolean; sqsEndpoint?: string; retentionSeconds?: number; schedules?: boolean } = {},
): Promise<LocalStack> {
  const logs: string[] = [];
  return startLocalStack({
    port: 0,
    seed,
    dynamoEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!,
    sqsEndpoint: options.sqsEndpoint ?? process.env.AWS_ENDPOINT_URL_SQS!,
    tableName: uniqueName('api'),
    queuePrefix: `${uniqueName('q')}-`,
    visibilityTimeoutSeconds: 2,
    loginRecordFile: join(mkdtempSync(join(tmpdir(), 'logins-')), 'disabled-logins.json'),
    pollers: options.pollers ?? false,
    ...(options.retentionSeconds !== undefined ? { retentionSeconds: options.retentionSeconds } : {}),
    ...(options.schedules !== undefined ? { schedules: options.schedules } : {}),
    log: { info: (m) => logs.push(m), error: (m, f) => logs.push(`${m} ${JSON.stringify(f)}`) },
  });
}

/** Every response a test receives here is checked against the OpenAPI document (assertDescribed): one it does not describe fails the test. */
export async function call(
  stack: LocalStack,
  method: string,
  path: string,
  options: { token?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string; json: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${stack.url}${path}`, { method, headers, ...(options.body !== undefined ? { body: options.body } : {}) });
  const text = await response.text();
  assertDescribed(method, path, response, text);
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the test will say so through `text`
  }
  return { status: response.status, text, json, headers: response.headers };
}

/** Reads the table the way an auditor would. */
export function tableReader(stack: LocalStack) {
  const { doc } = testClients();
  const tableName = stack.tableName;
  return {
    async customer(id: string) {
      return (await doc.send(new GetCommand({ TableName: tableName, Key: keys.customer(id), ConsistentRead: true }))).Item;
    },
    async user(customerId: string, userId: string) {
      return (await doc.send(new GetCommand({ TableName: tableName, Key: keys.user(customerId, userId), ConsistentRead: true }))).Item;
    },
    async request(requestId: string) {
      return (await doc.send(new GetCommand({ TableName: tableName, Key: keys.request(requestId), ConsistentRead: true }))).Item;
    },
    async audits(customerId: string) {
      return (
        await doc.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.auditPartition(customerId) }, ConsistentRead: true }))
      ).Items ?? [];
    },
    async outbox(requestId: string) {
      return (
        await doc.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `OUTBOX#${requestId}` }, ConsistentRead: true }))
      ).Items ?? [];
    },
    async all(entityType: string) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new ScanCommand({ TableName: tableName, FilterExpression: 'entityType = :t', ExpressionAttributeValues: { ':t': entityType }, ExclusiveStartKey: start, ConsistentRead: true }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
  };
}
