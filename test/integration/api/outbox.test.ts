import { createServer, Socket, type Server } from 'node:net';
import { randomUUID } from 'node:crypto';
import { stepsFor } from '../../../infra/catalog';
import type { LocalStack } from '../../../infra/local/stack';
import { DynamoDbActorStanding } from '../../../shared/adapters/dynamodb/actor-standing';
import { DynamoDeletionStore } from '../../../shared/adapters/dynamodb/deletion-store';
import { createDocumentClient } from '../../../shared/adapters/dynamodb/client';
import { DeletionService } from '../../../shared/domain/deletion-service';
import { parseCascadeEvent } from '../../../shared/events/cascade-event';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { actorFactory } from '../../fixtures/actors';
import { tokenFor } from '../../fixtures/tokens';
import { receiveAll, testClients } from '../support/emulators';
import { call, startTestStack, tableReader } from './stack-harness';

/**
 * No lost cascade: SQS is unreachable when a deletion commits, and the function that committed it
 * never publishes anything itself. The outbox relay, fed by the table's stream, delivers every
 * event once SQS is back.
 */

/** A TCP proxy in front of the SQS emulator that the test can cut and restore. */
class BreakableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  broken = false;

  constructor(private readonly target: URL) {}

  async start(): Promise<string> {
    this.server = createServer((client) => {
      if (this.broken) {
        client.destroy();
        return;
      }
      const upstream = new Socket();
      upstream.connect(Number(this.target.port), this.target.hostname);
      client.pipe(upstream).pipe(client);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => s.destroy());
        s.on('close', () => this.sockets.delete(s));
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  cut(): void {
    this.broken = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.broken = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

let stack: LocalStack;
let proxy: BreakableProxy;

beforeAll(async () => {
  proxy = new BreakableProxy(new URL(process.env.AWS_ENDPOINT_URL_SQS!));
  const proxied = await proxy.start();
  const seed = new SeedBuilder().customer('reseller-1', null).customer('victim', 'reseller-1').customer('orphaned-commit', 'reseller-1').build();
  // Pollers are driven by hand: the test decides when the relay runs.
  stack = await startTestStack(seed, { sqsEndpoint: proxied });
}, 60000);

afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
});

/** The queues a soft customer deletion's events go to: one per step that joins it. */
function softDeletionQueues() {
  return stepsFor('customer.delete', 'soft').map((step) => stack.queues[step.consumer.name as keyof LocalStack['queues']]);
}

async function drainStreamUntilAcknowledged(expected: number, timeoutMs = 15000): Promise<number> {
  let acknowledged = 0;
  const deadline = Date.now() + timeoutMs;
  while (acknowledged < expected && Date.now() < deadline) {
    acknowledged += await stack.streamPoller!.pollOnce();
    if (acknowledged < expected) await new Promise((r) => setTimeout(r, 200));
  }
  return acknowledged;
}

it('delivers every step’s event after SQS was unreachable at delete time', async () => {
  // Prepare: SQS is down.
  proxy.cut();
  const token = await tokenFor({ accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete' });

  // Act: the delete still succeeds (it never talks to SQS) ...
  const response = await call(stack, 'DELETE', '/customer/victim', { token });
  expect(response.status).toBe(200);
  const requestId = String(response.json.requestId);

  // ... and the relay cannot publish: nothing is acknowledged, the outbox keeps one entry per step.
  const whileDown = await stack.streamPoller!.pollOnce();
  expect(whileDown).toBe(0);
  expect(await tableReader(stack).outbox(requestId)).toHaveLength(softDeletionQueues().length);

  // SQS comes back: the stream retries the same records.
  proxy.restore();
  expect(await drainStreamUntilAcknowledged(softDeletionQueues().length)).toBeGreaterThanOrEqual(softDeletionQueues().length);

  // Assess: every queue of a soft customer deletion's steps got its event, for this request, and the outbox is empty.
  const { sqs } = testClients();
  for (const queue of softDeletionQueues()) {
    const messages = await receiveAll(sqs, queue.url, 1);
    const events = messages.map((m) => parseCascadeEvent(m.Body ?? ''));
    expect(events.filter((e) => e.requestId === requestId)).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventType: 'customer.deleted', eventVersion: 1, subject: { type: 'customer', customerId: 'victim' } });
  }
  expect(await tableReader(stack).outbox(requestId)).toHaveLength(0);
}, 40000);

it('delivers the events of a deletion whose function died right after committing', async () => {
  // Prepare: commit a deletion through the store directly, as if the function had died after the write.
  const table = { doc: createDocumentClient(), tableName: stack.tableName };
  const service = new DeletionService({
    store: new DynamoDeletionStore(table.doc, table.tableName),
    standing: new DynamoDbActorStanding(table),
    clock: { now: () => new Date() },
    ids: { newId: () => randomUUID() },
  });
  const receipt = await service.deleteCustomer('orphaned-commit', {
    actor: actorFactory({ accountId: 'reseller-1' }),
    mode: 'soft',
    reason: null,
    ticket: null,
    idempotencyKey: null,
    correlationId: 'test',
  });

  // Act: only the relay runs.
  expect(await drainStreamUntilAcknowledged(softDeletionQueues().length)).toBeGreaterThanOrEqual(softDeletionQueues().length);

  // Assess
  const { sqs } = testClients();
  for (const queue of softDeletionQueues()) {
    const events = (await receiveAll(sqs, queue.url, 1)).map((m) => parseCascadeEvent(m.Body ?? ''));
    expect(events.map((e) => e.requestId)).toContain(receipt.requestId);
  }
}, 40000);
