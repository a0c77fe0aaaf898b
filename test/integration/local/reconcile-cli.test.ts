import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../infra/local/stack';
import { writeRuntimeInfo } from '../../../infra/local/runtime-info';
import { requestItem } from '../../../shared/adapters/dynamodb/items';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import type { RequestStatus } from '../../../shared/domain/model';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { startTestStack } from '../api/stack-harness';
import { receiveAll, testClients } from '../support/emulators';
import { ownLines, runCli } from './processes';

/**
 * `npm run reconcile` as a user runs it: its own process, the running stack found through a runtime
 * file (here one naming a test stack, kept "running" by this process's pid), plain lines out.
 */

const SCRIPT = 'infra/local/reconcile-cli.ts';
const HOUR = 3600_000;

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string[] }> {
  const cli = runCli(SCRIPT, args);
  try {
    const { code } = await cli.exited;
    // The AWS SDK's notice about this machine's Node.js version is not the CLI's.
    const sdkNotice = /NodeVersionSupportWarning|versions published after|will require node|To continue receiving|security updates|More information can be found|node --trace-warnings/;
    return { code, stdout: cli.stdout(), stderr: ownLines(cli.stderr()).filter((line) => !sdkNotice.test(line)) };
  } finally {
    cli.killGroup();
  }
}

describe('usage', () => {
  it('--help prints its usage and exits 0', async () => {
    const { code, stdout, stderr } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run reconcile/);
    expect(stdout).toContain('-h, --help');
    expect(stderr).toEqual([]);
  }, 30_000);

  it('a bad option: one line naming it, the usage, exit 2, no stack trace', async () => {
    const { code, stdout, stderr } = await run(['--sla-hours', 'soon']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr[0]).toBe("npm run reconcile: --sla-hours must be a whole number of hours, at least 1, got 'soon'");
    expect(stderr[1]).toBe('Usage: npm run reconcile -- [options]');
    expect(stderr.join('\n')).not.toMatch(/\n\s+at /);
  }, 30_000);
});

describe('a run against a running stack', () => {
  let stack: LocalStack;
  let runtimeFile: string;
  const { doc, sqs } = testClients();
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
  const request = (status: RequestStatus, createdAt: string) =>
    requestItem({
      requestId: randomUUID(),
      type: 'customer.delete',
      subject: { type: 'customer', customerId: 'acme' },
      actor: { sub: 'u-admin', role: 'ADMIN', accountId: 'platform' },
      mode: 'soft',
      status,
      steps: { email: { status: 'PENDING', attempts: 0, updatedAt: createdAt } },
      createdAt,
      updatedAt: createdAt,
    });
  const stuck = request('IN_PROGRESS', ago(2 * HOUR));
  const overdue = request('FAILED', ago(50 * HOUR));
  const eventId = randomUUID();

  beforeAll(async () => {
    stack = await startTestStack(new SeedBuilder().customer('r-1', null).customer('acme', 'r-1').build());
    for (const item of [
      stuck,
      overdue,
      { ...keys.outbox(String(stuck.requestId), 'send-email'), entityType: 'outbox', queue: 'send-email', eventId, requestId: stuck.requestId, body: JSON.stringify({ eventId }), createdAt: stuck.createdAt },
    ]) {
      await doc.send(new PutCommand({ TableName: stack.tableName, Item: item }));
    }
    runtimeFile = join(mkdtempSync(join(tmpdir(), 'runtime-')), 'runtime-0.json');
    writeRuntimeInfo(
      {
        pid: process.pid,
        url: stack.url,
        port: stack.port,
        dynamoEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!,
        sqsEndpoint: process.env.AWS_ENDPOINT_URL_SQS!,
        tableName: stack.tableName,
        queues: stack.queues,
      },
      runtimeFile,
    );
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('prints what it republished and the overdue requests, and did it', async () => {
    const { code, stdout, stderr } = await run(['--runtime', runtimeFile]);

    expect({ code, stderr }).toEqual({ code: 0, stderr: [] });
    expect(stdout.trimEnd().split('\n')).toEqual([
      'republished 1 event(s) of 1 request(s) that the relay never sent (older than 15 minutes):',
      `  ${String(stuck.requestId)}  send-email`,
      're-asked 0 receipt(s)',
      '1 overdue request(s) (not SUCCESS 24 hours after creation):',
      expect.stringMatching(new RegExp(`^  ${String(overdue.requestId)}  FAILED  (49\\.9|50\\.0) h$`)),
    ]);
    const [message] = await receiveAll(sqs, stack.queues['send-email'].url, 1);
    expect(JSON.parse(String(message?.Body))).toEqual({ eventId });
  }, 30_000);
});
