import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { consumerOf, type StepName } from '../infra/catalog';
import { createLambdaContext } from '../infra/local/lambda-runtime';
import { toSqsRecord } from '../infra/local/sqs-poller';
import { DynamoDbActorStanding } from '../shared/adapters/dynamodb/actor-standing';
import { deviceRevocation, DynamoDbDeviceRevoker, transitionUpdate, UPDATES_IN_FLIGHT } from '../shared/adapters/dynamodb/cascade-store';
import { DynamoDeletionStore } from '../shared/adapters/dynamodb/deletion-store';
import { customerItem, deviceItem } from '../shared/adapters/dynamodb/items';
import { keys } from '../shared/adapters/dynamodb/keys';
import { DeletionService } from '../shared/domain/deletion-service';
import type { Actor } from '../shared/domain/model';
import { systemClock, uuidIds } from '../shared/domain/system';
import { mapWithConcurrency } from '../shared/workers/concurrency';
import { tableStepPorts } from '../shared/workers/step-consumer';
import { createRevokeDevicesHandler } from '../shared/workers/steps/revoke-devices';
import { workerHandler } from '../shared/workers/worker-handler';
import { getAll, putAll } from './ddb';
import { pairRatios, spread, type Spread } from './stats';

/**
 * `cascadeItemsPerSecRatio`: one customer's devices revoked through the revoke-devices consumer (the
 * handler as its module composes it: claim, the paged query, the conditional updates, the completing
 * transaction) ÷ the same conditional updates sent directly, at the consumer's concurrency, to another
 * customer's devices. Pairs alternate which side goes first.
 */

/** What an SQS event source hands a consumer: one record carrying the event's body. */
function oneRecordEvent(body: string, queue: string): SQSEvent {
  return { Records: [toSqsRecord({ MessageId: randomUUID(), ReceiptHandle: randomUUID(), Body: body, Attributes: { ApproximateReceiveCount: '1' } }, `arn:aws:sqs:us-east-1:000000000000:${queue}`)] };
}

/** Invokes a step's consumer with one event; the answer says whether the record is to be retried. */
export async function invokeStep(step: StepName, handler: (event: SQSEvent, context: ReturnType<typeof createLambdaContext>) => Promise<SQSBatchResponse | void>, body: string): Promise<'done' | 'retry'> {
  const consumer = consumerOf(step);
  const answer = await handler(oneRecordEvent(body, consumer.queue), createLambdaContext(consumer.name, consumer.timeoutSeconds, consumer.memoryMb));
  return answer && answer.batchItemFailures.length > 0 ? 'retry' : 'done';
}

const customer = (id: string, parentId: string | null) => ({ id, parentId, name: `Customer ${id}`, email: `${id}@example.invalid`, activeSubscriptions: 0 });

/** A soft delete by the customers' reseller (one transaction); returns its outbox bodies by queue. */
export async function deleteForCascade(doc: DynamoDBDocumentClient, tableName: string, reseller: string, customerId: string): Promise<{ requestId: string; bodies: Record<string, string> }> {
  const standing = new DynamoDbActorStanding({ doc, tableName });
  const service = new DeletionService({ store: new DynamoDeletionStore(doc, tableName), standing, clock: systemClock, ids: uuidIds });
  const actor: Actor = { sub: 'bench-cascade', role: 'RESALE', accountId: reseller, scopes: new Set(['customers:delete']) };
  const { requestId } = await service.deleteCustomer(customerId, { actor, mode: 'soft', reason: 'Offboarding', ticket: 'BENCH-CASCADE', idempotencyKey: null, correlationId: randomUUID() });
  const queues = ['disable-logins', 'revoke-devices', 'end-sessions', 'send-email'];
  const outbox = await getAll(doc, tableName, queues.map((queue) => keys.outbox(requestId, queue)));
  return { requestId, bodies: Object.fromEntries(outbox.map((item) => [String(item.sk).slice('EVENT#'.length), String(item.body)])) };
}

export interface CascadeRatioResult {
  devicesPerRound: number;
  concurrency: number;
  consumerPerSecond: Spread;
  floorPerSecond: Spread;
  ratios: Spread;
  seedSeconds: number;
}

export async function measureCascadeRatio(options: {
  doc: DynamoDBDocumentClient;
  tableName: string;
  rounds: number;
  devices: number;
  onProgress?: (text: string) => void;
}): Promise<CascadeRatioResult> {
  const { doc, tableName, rounds, devices } = options;
  const reseller = 'cascade-reseller';
  const consumerIds = Array.from({ length: rounds + 1 }, (_, r) => `cc-${r}`);
  const floorIds = Array.from({ length: rounds + 1 }, (_, r) => `ccf-${r}`);
  const seedStart = performance.now();
  const owners = [...consumerIds, ...floorIds];
  await putAll(
    doc,
    tableName,
    [
      customerItem(customer(reseller, null), owners.length),
      ...owners.flatMap((id) => [customerItem(customer(id, reseller), 0), ...Array.from({ length: devices }, (_, d) => deviceItem({ id: `d${String(d).padStart(6, '0')}`, customerId: id }))]),
    ],
    8,
  );
  const seedSeconds = (performance.now() - seedStart) / 1000;
  options.onProgress?.(`  seeded ${owners.length} customers × ${devices} devices in ${seedSeconds.toFixed(1)} s`);

  // No time budget here: this figure is the consumer's throughput, and a loaded machine must not turn it
  // into a retry (the budget and the resumption are cascadeScaleSeconds' and the test's).
  const handler = workerHandler(createRevokeDevicesHandler({ ...tableStepPorts({ doc, tableName }, 'devices'), devices: new DynamoDbDeviceRevoker(doc, tableName) }));
  const consumerRound = async (customerId: string) => {
    const { bodies } = await deleteForCascade(doc, tableName, reseller, customerId);
    const body = bodies['revoke-devices'];
    if (!body) throw new Error(`no revoke-devices event for ${customerId}`);
    const start = performance.now();
    const outcome = await invokeStep('devices', handler, body);
    const seconds = (performance.now() - start) / 1000;
    if (outcome !== 'done') throw new Error(`revoke-devices did not finish ${devices} devices of ${customerId} in one run`);
    return devices / seconds;
  };
  const floorRound = async (customerId: string) => {
    // The same update the consumer sends for each device, at the consumer's concurrency.
    const context = { requestId: randomUUID(), eventId: randomUUID(), at: new Date().toISOString() };
    const inputs = Array.from({ length: devices }, (_, d) =>
      transitionUpdate(tableName, keys.device(customerId, `d${String(d).padStart(6, '0')}`), { type: 'customer', customerId }, deviceRevocation, context),
    );
    const start = performance.now();
    await mapWithConcurrency(inputs, UPDATES_IN_FLIGHT, (input) => doc.send(new UpdateCommand(input)));
    return devices / ((performance.now() - start) / 1000);
  };
  await consumerRound(consumerIds[0]!);
  await floorRound(floorIds[0]!);
  const consumerRates: number[] = [];
  const floorRates: number[] = [];
  for (let r = 1; r <= rounds; r += 1) {
    if (r % 2 === 1) {
      consumerRates.push(await consumerRound(consumerIds[r]!));
      floorRates.push(await floorRound(floorIds[r]!));
    } else {
      floorRates.push(await floorRound(floorIds[r]!));
      consumerRates.push(await consumerRound(consumerIds[r]!));
    }
    options.onProgress?.(`  round ${r}/${rounds}: consumer ${consumerRates.at(-1)!.toFixed(0)}/s, floor ${floorRates.at(-1)!.toFixed(0)}/s`);
  }
  return {
    devicesPerRound: devices,
    concurrency: UPDATES_IN_FLIGHT,
    consumerPerSecond: spread(consumerRates),
    floorPerSecond: spread(floorRates),
    ratios: spread(pairRatios(consumerRates, floorRates)),
    seedSeconds,
  };
}
