import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { apiFunctions } from '../infra/catalog';
import { buildHttpApiEvent } from '../infra/local/http-api-event';
import { createLambdaContext } from '../infra/local/lambda-runtime';
import type { TokenVerifier } from '../shared/auth/token-verifier';
import type { RequestCounter } from './ddb';
import { median, pairRatios, spread, type Spread } from './stats';

/**
 * Warm deletes through the real handler (middy, JWT verification, policy, the DynamoDB write,
 * the response) against the floor: the same TransactWriteItems sent straight from a loop with the
 * same document client. Rounds alternate so that the machine's drift hits both alike.
 */

export type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/** Wraps a verifier to time each `verify` call (the handler awaits it, so this is its share of the request). */
export function timedVerifier(inner: TokenVerifier): { verifier: TokenVerifier; lastMs: () => number } {
  let last = 0;
  return {
    verifier: {
      async verify(header) {
        const start = performance.now();
        try {
          return await inner.verify(header);
        } finally {
          last = performance.now() - start;
        }
      },
    },
    lastMs: () => last,
  };
}

/**
 * Instruments the document client's TransactWriteItems: records the inputs while `recording` is on
 * (the floor replays them) and times every such call, so the handler's time can be split into its
 * write and everything else.
 */
export function transactWrites(doc: DynamoDBDocumentClient): { recorded: TransactWriteCommand['input'][]; setRecording(on: boolean): void; lastMs: () => number } {
  const recorded: TransactWriteCommand['input'][] = [];
  let recording = false;
  let last = 0;
  const send = doc.send.bind(doc) as (command: unknown, ...rest: unknown[]) => Promise<unknown>;
  (doc as unknown as { send: typeof send }).send = async (command, ...rest) => {
    if (!(command instanceof TransactWriteCommand)) return send(command, ...rest);
    if (recording) recorded.push(structuredClone(command.input));
    const start = performance.now();
    try {
      return await send(command, ...rest);
    } finally {
      last = performance.now() - start;
    }
  };
  return { recorded, setRecording: (on) => (recording = on), lastMs: () => last };
}

const route = (() => {
  const spec = apiFunctions.find((fn) => fn.name === 'delete-customer');
  const first = spec?.routes[0];
  if (!spec || !first) throw new Error('delete-customer has no route in the catalog');
  return { spec, route: first };
})();

/** One API Gateway v2 event and Lambda context, as the platform would hand them to the function. */
export function deleteCustomerInvocation(customerId: string, token: string): { event: APIGatewayProxyEventV2; context: Context } {
  const body = JSON.stringify({ reason: 'Customer asked to close the account', ticket: 'BENCH-1' });
  const event = buildHttpApiEvent(
    {
      method: 'DELETE',
      url: `/customer/${encodeURIComponent(customerId)}`,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
        host: 'api.bench.invalid',
        'user-agent': 'bench',
      },
      body: Buffer.from(body),
      sourceIp: '127.0.0.1',
    },
    route.route,
    { customerId },
  );
  return { event, context: createLambdaContext(route.spec.name, route.spec.timeoutSeconds, route.spec.memoryMb) };
}

export interface HandlerRound {
  seconds: number;
  /** Per delete: the whole handler, its JWT verification, its TransactWriteItems call. */
  handlerMs: number[];
  verifyMs: number[];
  writeMs: number[];
  deletesPerSecond: number;
  /** Σ verify time / Σ handler time over the round. */
  verifyShare: number;
  /** DynamoDB requests of each delete, in order. */
  requestsPerDelete: number[];
  /** The request id each customer's deletion answered with. */
  requestIds: Map<string, string>;
}

/** Deletes `customerIds` one after another through the handler; every answer must be a 200. */
export async function handlerRound(
  handler: ApiHandler,
  customerIds: readonly string[],
  token: string,
  timing: { lastMs: () => number },
  counter: RequestCounter,
  writes: { lastMs: () => number },
): Promise<HandlerRound> {
  // Events are built first: building them is API Gateway's work, not the function's.
  const invocations = customerIds.map((id) => deleteCustomerInvocation(id, token));
  const handlerMs: number[] = [];
  const verifyMs: number[] = [];
  const writeMs: number[] = [];
  const requestsPerDelete: number[] = [];
  const responses: unknown[] = [];
  const roundStart = performance.now();
  for (const { event, context } of invocations) {
    const requestsBefore = counter.total;
    const start = performance.now();
    const response = await handler(event, context);
    handlerMs.push(performance.now() - start);
    verifyMs.push(timing.lastMs());
    writeMs.push(writes.lastMs());
    requestsPerDelete.push(counter.total - requestsBefore);
    responses.push(response);
  }
  const seconds = (performance.now() - roundStart) / 1000;
  const requestIds = new Map<string, string>();
  responses.forEach((response, i) => {
    const result = response as APIGatewayProxyStructuredResultV2;
    if (result.statusCode !== 200) throw new Error(`delete of ${customerIds[i]} answered ${result.statusCode}: ${String(result.body)}`);
    requestIds.set(customerIds[i]!, (JSON.parse(String(result.body)) as { requestId: string }).requestId);
  });
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return { seconds, handlerMs, verifyMs, writeMs, deletesPerSecond: customerIds.length / seconds, verifyShare: sum(verifyMs) / sum(handlerMs), requestsPerDelete, requestIds };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * The floor's writes: a recorded handler transaction with its customer swapped for another one and
 * every generated id (request, audit, events, Idempotency-Key, correlation) replaced by a fresh one.
 * Same items, same conditions, same sizes; only the ids differ.
 */
export function floorInputs(templates: readonly { customerId: string; input: TransactWriteCommand['input'] }[], customerIds: readonly string[]) {
  if (templates.length === 0) throw new Error('no recorded transaction to replay');
  return customerIds.map((customerId, i) => {
    const template = templates[i % templates.length]!;
    const fresh = new Map<string, string>();
    const text = JSON.stringify(template.input)
      .split(template.customerId)
      .join(customerId)
      .replace(UUID, (id) => {
        if (!fresh.has(id)) fresh.set(id, randomUUID());
        return fresh.get(id)!;
      });
    return JSON.parse(text) as TransactWriteCommand['input'];
  });
}

export interface FloorRound {
  seconds: number;
  writesPerSecond: number;
  writeMs: number[];
}

export async function floorRound(doc: DynamoDBDocumentClient, inputs: readonly TransactWriteCommand['input'][]): Promise<FloorRound> {
  const writeMs: number[] = [];
  const roundStart = performance.now();
  for (const input of inputs) {
    const start = performance.now();
    await doc.send(new TransactWriteCommand(input));
    writeMs.push(performance.now() - start);
  }
  const seconds = (performance.now() - roundStart) / 1000;
  return { seconds, writesPerSecond: inputs.length / seconds, writeMs };
}

export interface WarmResult {
  rounds: number;
  perRound: number;
  handlerDeletesPerSecond: Spread;
  floorWritesPerSecond: Spread;
  /** handler rate / floor rate of each adjacent pair of rounds. */
  ratios: Spread;
  ratio: number;
  verifyShares: Spread;
  /** Per request, over every measured round: where a handler's time goes, and a floor write's. */
  perRequestMs: { handler: Spread; verify: Spread; handlerWrite: Spread; floorWrite: Spread };
  requestsPerDelete: number[];
  requestIds: Map<string, string>;
}

/**
 * One warm-up pair (the handler's first request fetches the JWKS; its transactions are recorded as
 * the floor's templates), then `rounds` measured pairs, alternating which side of a pair goes first.
 */
export async function measureWarm(options: {
  handler: ApiHandler;
  doc: DynamoDBDocumentClient;
  recorder: ReturnType<typeof transactWrites>;
  timing: { lastMs: () => number };
  counter: RequestCounter;
  token: string;
  handlerCustomers: readonly string[];
  floorCustomers: readonly string[];
  rounds: number;
  perRound: number;
  onProgress?: (round: number) => void;
}): Promise<WarmResult> {
  const { handler, doc, recorder, timing, counter, token, rounds, perRound } = options;
  const handlerBatches = Array.from({ length: rounds + 1 }, (_, r) => options.handlerCustomers.slice(r * perRound, (r + 1) * perRound));
  const floorBatches = Array.from({ length: rounds + 1 }, (_, r) => options.floorCustomers.slice(r * perRound, (r + 1) * perRound));
  if (handlerBatches.some((b) => b.length < perRound) || floorBatches.some((b) => b.length < perRound)) throw new Error('not enough seeded customers');

  recorder.setRecording(true);
  const warmup = await handlerRound(handler, handlerBatches[0]!, token, timing, counter, recorder);
  recorder.setRecording(false);
  if (recorder.recorded.length !== perRound) {
    throw new Error(`expected one TransactWriteItems per delete, recorded ${recorder.recorded.length} for ${perRound} deletes`);
  }
  const templates = recorder.recorded.map((input, i) => ({ customerId: handlerBatches[0]![i]!, input }));
  await floorRound(doc, floorInputs(templates, floorBatches[0]!));

  const handlerRates: number[] = [];
  const floorRates: number[] = [];
  const shares: number[] = [];
  const requestsPerDelete: number[] = [];
  const perRequest = { handler: [] as number[], verify: [] as number[], handlerWrite: [] as number[], floorWrite: [] as number[] };
  const requestIds = new Map(warmup.requestIds);
  for (let r = 1; r <= rounds; r += 1) {
    const inputs = floorInputs(templates, floorBatches[r]!);
    const runHandler = async () => {
      const result = await handlerRound(handler, handlerBatches[r]!, token, timing, counter, recorder);
      handlerRates.push(result.deletesPerSecond);
      perRequest.handler.push(...result.handlerMs);
      perRequest.verify.push(...result.verifyMs);
      perRequest.handlerWrite.push(...result.writeMs);
      shares.push(result.verifyShare);
      requestsPerDelete.push(...result.requestsPerDelete);
      for (const [k, v] of result.requestIds) requestIds.set(k, v);
    };
    const runFloor = async () => {
      const result = await floorRound(doc, inputs);
      floorRates.push(result.writesPerSecond);
      perRequest.floorWrite.push(...result.writeMs);
    };
    if (r % 2 === 1) {
      await runHandler();
      await runFloor();
    } else {
      await runFloor();
      await runHandler();
    }
    options.onProgress?.(r);
  }
  return {
    rounds,
    perRound,
    handlerDeletesPerSecond: spread(handlerRates),
    floorWritesPerSecond: spread(floorRates),
    ratios: spread(pairRatios(handlerRates, floorRates)),
    ratio: median(pairRatios(handlerRates, floorRates)),
    verifyShares: spread(shares),
    perRequestMs: {
      handler: spread(perRequest.handler),
      verify: spread(perRequest.verify),
      handlerWrite: spread(perRequest.handlerWrite),
      floorWrite: spread(perRequest.floorWrite),
    },
    requestsPerDelete,
    requestIds,
  };
}
