import { performance } from 'node:perf_hooks';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LocalQueue } from '../infra/local/resources';
import { SqsEventSourcePoller, type SqsHandler } from '../infra/local/sqs-poller';
import { spread, type Spread } from './stats';

/**
 * One consumer behind the Lambda-like SQS event source (infra/local/sqs-poller.ts) on the SQS
 * emulator, batches of 10, one injected failure per batch (on a first delivery). Throughput is
 * messages completed per second of poller work (receive, invoke, delete); the seconds spent
 * waiting for a failed message's visibility timeout are idle time, not consumer work, and are
 * left out. Every batch must report exactly its injected failure, and only that message may come back.
 */

export interface InjectedFailures {
  /** Wraps a batch handler: on each batch, the first record never seen before is marked to fail once. */
  wrap(handler: SqsHandler): SqsHandler;
  /** Asks the work seam whether this event must fail now (true once per marked event). */
  shouldFail(eventId: string): boolean;
  /** The messages failed on purpose. */
  victims: Set<string>;
  /** Batches that held at least one first delivery: each gets exactly one failure. */
  freshBatches: number;
  problems: string[];
}

export function injectedFailures(): InjectedFailures {
  const victims = new Set<string>();
  const pending = new Set<string>();
  const problems: string[] = [];
  const injected: InjectedFailures = {
    victims,
    freshBatches: 0,
    problems,
    shouldFail: (eventId) => pending.delete(eventId),
    wrap: (handler) => async (event: SQSEvent, context) => {
      const victim = event.Records.find((r) => r.attributes.ApproximateReceiveCount === '1' && !victims.has(r.messageId));
      if (victim) {
        injected.freshBatches += 1;
        victims.add(victim.messageId);
        pending.add((JSON.parse(victim.body) as { eventId: string }).eventId);
      }
      const result = (await handler(event, context)) as SQSBatchResponse | undefined;
      const failed = (result?.batchItemFailures ?? []).map((f) => f.itemIdentifier).sort();
      const expected = victim ? [victim.messageId] : [];
      if (JSON.stringify(failed) !== JSON.stringify(expected)) {
        problems.push(`batch of ${event.Records.length} reported failures [${failed.join(', ')}], expected [${expected.join(', ')}]`);
      }
      return result;
    },
  };
  return injected;
}

export interface ConsumerRound {
  messages: number;
  busySeconds: number;
  messagesPerSecond: number;
  batches: number;
}

export interface ConsumerResult {
  rounds: ConsumerRound[];
  messagesPerSecond: Spread;
  /** How many batches had each size. */
  batchSizes: Record<string, number>;
  injected: number;
  redelivered: number;
  /** Empty when exactly the injected messages were redelivered, once each, and every message completed. */
  problems: string[];
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function sendAll(sqs: SQSClient, queueUrl: string, bodies: readonly string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const result = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody })) }),
    );
    if ((result.Failed ?? []).length > 0) throw new Error(`SendMessageBatch failed for ${result.Failed!.length} messages`);
  }
}

export async function measureConsumer(options: {
  sqs: SQSClient;
  queue: LocalQueue;
  handler: SqsHandler;
  failures: InjectedFailures;
  fn: { name: string; timeoutSeconds: number; memoryMb: number };
  batchSize: number;
  /** Message bodies, one round after another: each round is a multiple of the batch size. */
  rounds: string[][];
  log: { info(message: string, fields?: Record<string, unknown>): void; error(message: string, fields?: Record<string, unknown>): void };
  onProgress?: (round: number) => void;
}): Promise<ConsumerResult> {
  const { sqs, queue, failures, batchSize } = options;
  // Receive counts seen per message, across the whole run.
  const seen = new Map<string, number[]>();
  const batchSizes: number[] = [];
  let freshReceived = 0;
  const observing: SqsHandler = async (event, context) => {
    batchSizes.push(event.Records.length);
    freshReceived += event.Records.filter((r) => r.attributes.ApproximateReceiveCount === '1').length;
    for (const r of event.Records) seen.set(r.messageId, [...(seen.get(r.messageId) ?? []), Number(r.attributes.ApproximateReceiveCount)]);
    return options.handler(event, context);
  };
  const poller = new SqsEventSourcePoller({
    client: sqs,
    queueUrl: queue.url,
    queueArn: queue.arn,
    fn: options.fn,
    handler: failures.wrap(observing),
    batchSize,
    // Short polls: this emulator holds a long poll until the batch is full (real SQS answers as
    // soon as a message is there), which would bill a partial batch a second of waiting.
    waitTimeSeconds: 0,
    log: options.log,
  });

  const rounds: ConsumerRound[] = [];
  const problems: string[] = [];
  const visibilityMs = queue.visibilityTimeoutSeconds * 1000;
  measuring: for (const [index, bodies] of options.rounds.entries()) {
    if (bodies.length % batchSize !== 0) throw new Error(`a round of ${bodies.length} messages is not whole batches of ${batchSize}`);
    await sendAll(sqs, queue.url, bodies);
    let completed = 0;
    let busy = 0;
    let batches = 0;
    let lastFailureAt = 0;
    let lastReceivedAt = performance.now();
    const freshBefore = freshReceived;
    const poll = async (): Promise<boolean> => {
      const start = performance.now();
      const outcome = await poller.pollOnce();
      const elapsed = performance.now() - start;
      if (outcome.received === 0) return false;
      if (outcome.wholeBatchFailed) problems.push(`round ${index + 1}: a whole batch failed`);
      busy += elapsed;
      batches += 1;
      completed += outcome.deleted;
      lastReceivedAt = performance.now();
      if (outcome.failed > 0) lastFailureAt = lastReceivedAt;
      return true;
    };
    // A round that stops making progress is reported (the handlers' log says why), not waited on.
    const stalled = (what: string) => {
      problems.push(`round ${index + 1}: ${what} (${completed}/${bodies.length} completed); later rounds not run`);
    };
    // Fresh batches first; then, once the failed messages are visible again, their redeliveries
    // (waiting for them is idle time: it is not counted).
    while (freshReceived - freshBefore < bodies.length) {
      if (await poll()) continue;
      if (performance.now() - lastReceivedAt > 5000) {
        stalled('sent messages stopped arriving');
        break measuring;
      }
      await sleep(50);
    }
    while (completed < bodies.length) {
      const untilVisible = lastFailureAt + visibilityMs + 250 - performance.now();
      if (untilVisible > 0) await sleep(untilVisible);
      if (await poll()) continue;
      if (performance.now() - Math.max(lastReceivedAt, lastFailureAt + visibilityMs) > 5000) {
        stalled('failed messages did not come back to complete');
        break measuring;
      }
      await sleep(50);
    }
    const seconds = busy / 1000;
    rounds.push({ messages: bodies.length, busySeconds: seconds, messagesPerSecond: bodies.length / seconds, batches });
    options.onProgress?.(index + 1);
  }

  // Exactly the injected messages came back, once each; nothing else did; nothing is left anywhere.
  let redelivered = 0;
  for (const [messageId, counts] of seen) {
    const expected = failures.victims.has(messageId) ? [1, 2] : [1];
    if (counts.length > 1) redelivered += 1;
    if (JSON.stringify(counts) !== JSON.stringify(expected)) problems.push(`message ${messageId} was received with counts [${counts.join(', ')}]`);
  }
  const sent = options.rounds.reduce((n, r) => n + r.length, 0);
  if (rounds.length === options.rounds.length && seen.size !== sent) problems.push(`${seen.size} distinct messages received, ${sent} sent`);
  for (const url of [queue.url, queue.dlqUrl]) {
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if ((left.Messages ?? []).length > 0) problems.push(`${url === queue.url ? 'queue' : 'DLQ'} still holds messages`);
  }
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  const remaining = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  if (remaining !== 0) problems.push(`queue reports ${remaining} messages left`);

  return {
    rounds,
    messagesPerSecond: rounds.length > 0 ? spread(rounds.map((r) => r.messagesPerSecond)) : { min: 0, median: 0, max: 0, n: 0 },
    batchSizes: batchSizes.reduce<Record<string, number>>((h, n) => ({ ...h, [n]: (h[n] ?? 0) + 1 }), {}),
    injected: failures.victims.size,
    redelivered,
    problems: [...failures.problems, ...problems],
  };
}
