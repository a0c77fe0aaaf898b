import { performance } from 'node:perf_hooks';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbActorStanding } from '../shared/adapters/dynamodb/actor-standing';
import { DynamoBatchStore } from '../shared/adapters/dynamodb/batch-store';
import { DynamoDeletionStore } from '../shared/adapters/dynamodb/deletion-store';
import { customerItem } from '../shared/adapters/dynamodb/items';
import { BulkDeletionService, runBatch } from '../shared/domain/bulk-deletion';
import { DeletionService } from '../shared/domain/deletion-service';
import type { Actor } from '../shared/domain/model';
import { systemClock, uuidIds } from '../shared/domain/system';
import { mapWithConcurrency } from '../shared/workers/concurrency';
import { BATCH_CONCURRENCY } from '../shared/workers/steps/split-batch';
import { putAll, type RequestCounter } from './ddb';
import { pairRatios, spread, type Spread } from './stats';
import { floorInputs, type transactWrites } from './warm';

/**
 * `bulkDeletesPerSecRatio`: a batch of `perRound` customers through the bulk path (the split step's
 * `runBatch` with the real DeletionService and DynamoBatchStore, at the step's concurrency) ÷ the same
 * deletion transactions (recorded from the first batch, ids renewed) sent directly at the same
 * concurrency. Pairs of rounds alternate which side goes first.
 */

export interface BulkResult {
  perRound: number;
  concurrency: number;
  bulkPerSecond: Spread;
  floorPerSecond: Spread;
  ratios: Spread;
  /** DynamoDB requests per item through the bulk path (the batch's own commit not included), by command. */
  requestsPerItem: number;
  byCommandPerItem: Record<string, number>;
  outcomes: Record<string, number>;
}

const customer = (id: string, parentId: string | null) => ({ id, parentId, name: `Customer ${id}`, email: `${id}@example.invalid`, activeSubscriptions: 0 });

export async function measureBulk(options: {
  doc: DynamoDBDocumentClient;
  tableName: string;
  counter: RequestCounter;
  recorder: ReturnType<typeof transactWrites>;
  rounds: number;
  perRound: number;
  onProgress?: (text: string) => void;
}): Promise<BulkResult> {
  const { doc, tableName, counter, recorder, rounds, perRound } = options;
  const reseller = 'bulk-reseller';
  const pad = (i: number) => String(i).padStart(5, '0');
  const bulkIds = Array.from({ length: rounds + 1 }, (_, r) => Array.from({ length: perRound }, (_, i) => `bk-${r}-${pad(i)}`));
  const floorIds = Array.from({ length: rounds + 1 }, (_, r) => Array.from({ length: perRound }, (_, i) => `bkf-${r}-${pad(i)}`));
  const all = [...bulkIds.flat(), ...floorIds.flat()];
  await putAll(doc, tableName, [customerItem(customer(reseller, null), all.length), ...all.map((id) => customerItem(customer(id, reseller), 0))], 8);

  const standing = new DynamoDbActorStanding({ doc, tableName });
  const batches = new DynamoBatchStore({ doc, tableName });
  const deletions = new DeletionService({ store: new DynamoDeletionStore(doc, tableName), standing, clock: systemClock, ids: uuidIds });
  const starter = new BulkDeletionService({ store: batches, standing, clock: systemClock, ids: uuidIds });
  // A reseller offboarding its own customers (its soft delete is one transaction each).
  const actor: Actor = { sub: 'bench-bulk', role: 'RESALE', accountId: reseller, scopes: new Set(['customers:delete']) };

  const byCommandBefore = { ...counter.byCommand };
  let bulkRequests = 0;
  let bulkItems = 0;
  const outcomes: Record<string, number> = {};
  const bulkRound = async (ids: readonly string[], record: boolean) => {
    const { batchId } = await starter.start({ actor, customerIds: ids, mode: 'soft', reason: 'Offboarding', ticket: 'BENCH-BULK', idempotencyKey: null });
    recorder.setRecording(record);
    const before = counter.total;
    const start = performance.now();
    const result = await runBatch(batchId, { store: batches, deleteCustomer: (id, input) => deletions.deleteCustomer(id, input), clock: systemClock, concurrency: BATCH_CONCURRENCY });
    const seconds = (performance.now() - start) / 1000;
    recorder.setRecording(false);
    if (result === 'no-batch' || result.deleted !== ids.length) throw new Error(`the bulk round deleted ${result === 'no-batch' ? 'nothing' : `${result.deleted} of ${ids.length}`}`);
    bulkRequests += counter.total - before;
    bulkItems += ids.length;
    outcomes.DELETED = (outcomes.DELETED ?? 0) + result.deleted;
    return ids.length / seconds;
  };

  // Warm-up: one batch, its transactions recorded as the floor's templates, and one floor round.
  options.onProgress?.(`  warm-up: a batch of ${perRound}, its transactions recorded`);
  const commandsAtWarmup = { ...counter.byCommand };
  await bulkRound(bulkIds[0]!, true);
  const warmupCommands = Object.fromEntries(Object.entries(counter.byCommand).map(([k, v]) => [k, v - (commandsAtWarmup[k] ?? 0)]));
  const templates = recorder.recorded.splice(0).map((input) => {
    const match = /"pk":"CUSTOMER#(bk-0-\d+)","sk":"PROFILE"/.exec(JSON.stringify(input));
    if (!match) throw new Error('a recorded bulk transaction names no batch customer');
    return { customerId: match[1]!, input };
  });
  if (templates.length !== perRound) throw new Error(`expected one transaction per item, recorded ${templates.length} for ${perRound}`);
  const floorRound = async (ids: readonly string[]) => {
    const inputs = floorInputs(templates, ids);
    const start = performance.now();
    await mapWithConcurrency(inputs, BATCH_CONCURRENCY, (input) => doc.send(new TransactWriteCommand(input)));
    return ids.length / ((performance.now() - start) / 1000);
  };
  await floorRound(floorIds[0]!);

  const bulkRates: number[] = [];
  const floorRates: number[] = [];
  for (let r = 1; r <= rounds; r += 1) {
    if (r % 2 === 1) {
      bulkRates.push(await bulkRound(bulkIds[r]!, false));
      floorRates.push(await floorRound(floorIds[r]!));
    } else {
      floorRates.push(await floorRound(floorIds[r]!));
      bulkRates.push(await bulkRound(bulkIds[r]!, false));
    }
    options.onProgress?.(`  round ${r}/${rounds}: bulk ${bulkRates.at(-1)!.toFixed(0)}/s, floor ${floorRates.at(-1)!.toFixed(0)}/s`);
  }
  void byCommandBefore;
  return {
    perRound,
    concurrency: BATCH_CONCURRENCY,
    bulkPerSecond: spread(bulkRates),
    floorPerSecond: spread(floorRates),
    ratios: spread(pairRatios(bulkRates, floorRates)),
    requestsPerItem: bulkRequests / bulkItems,
    byCommandPerItem: Object.fromEntries(Object.entries(warmupCommands).filter(([, v]) => v > 0).map(([k, v]) => [k, Math.round((v / perRound) * 1000) / 1000])),
    outcomes,
  };
}
