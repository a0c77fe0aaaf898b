import { randomUUID } from 'node:crypto';
import type { LocalStack } from '../../../infra/local/stack';
import { DynamoDbActorStanding } from '../../../shared/adapters/dynamodb/actor-standing';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client';
import { DynamoDeletionStore } from '../../../shared/adapters/dynamodb/deletion-store';
import { DeletionService } from '../../../shared/domain/deletion-service';
import type { ServiceMetrics } from '../../../shared/observability/metrics';
import { actorFactory } from '../../fixtures/actors';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { startTestStack } from './stack-harness';

/** The deletion store counts a request when its transaction commits: not a refusal, not an idempotent replay. */

let stack: LocalStack;

beforeAll(async () => {
  const seed = new SeedBuilder().customer('reseller-1', null).customer('metric-soft', 'reseller-1').customer('metric-hard', 'reseller-1').build();
  stack = await startTestStack(seed, { pollers: false });
}, 60_000);

afterAll(() => stack?.stop());

function recordingAccepted(): ServiceMetrics & { accepted: string[] } {
  const accepted: string[] = [];
  const ignore = () => undefined;
  return {
    accepted,
    deletionAccepted: (type, mode) => accepted.push(`${type} ${mode}`),
    refused: ignore,
    requestSucceeded: ignore,
    accessCutOff: ignore,
    stepFailed: ignore,
  };
}

it('counts each committed deletion once by type and mode, and neither a refusal nor a replay', async () => {
  // Prepare
  const metrics = recordingAccepted();
  const doc = createDocumentClient();
  const table = { doc, tableName: stack.tableName };
  const service = new DeletionService({
    store: new DynamoDeletionStore(doc, stack.tableName, metrics),
    standing: new DynamoDbActorStanding(table),
    clock: { now: () => new Date() },
    ids: { newId: () => randomUUID() },
  });
  const input = (mode: 'soft' | 'hard', idempotencyKey: string | null) => ({
    // Only ADMIN may hard-delete; a reseller soft-deletes its own customers.
    actor: mode === 'hard' ? actorFactory({ role: 'ADMIN', accountId: 'platform', scopes: ['customers:delete', 'customers:purge'] }) : actorFactory({ accountId: 'reseller-1' }),
    mode,
    reason: mode === 'hard' ? 'GDPR erasure request' : null,
    ticket: null,
    idempotencyKey,
    correlationId: 'metrics-test',
  });

  // Act
  await service.deleteCustomer('metric-soft', input('soft', 'key-1'));
  await service.deleteCustomer('metric-soft', input('soft', 'key-1'));
  await expect(service.deleteCustomer('metric-soft', input('soft', null))).rejects.toThrow();
  await service.deleteCustomer('metric-hard', input('hard', null));

  // Assess
  expect(metrics.accepted).toEqual(['customer.delete soft', 'customer.delete hard']);
}, 40_000);
