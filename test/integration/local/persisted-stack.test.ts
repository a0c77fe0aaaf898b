import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { javaProcessesOn } from '../../../infra/local/dynamodb-local';
import { LOCAL_CREDENTIALS } from '../../../infra/local/local-config';
import { readRuntimeInfo } from '../../../infra/local/runtime-info';
import { seedDocument, writeSeedFile } from '../../unit/local/factories';
import { eventually } from '../support/emulators';
import { httpRequest } from './http-client';
import { descendants, isAlive, ownLines, runCli, within, type RunningCli } from './processes';

/**
 * `npm start -- --persist DIR` as a user runs it, each run its own process with its own Java:
 * the data outlives a restart (the seed loads only into an empty table, `--reset` reloads it),
 * Ctrl-C under load leaves no Java behind, and a Java killed under the stack ends it in one line.
 */

const BOOT_TIMEOUT_MS = 40_000;
/** A hang guard, not a speed check: the CLI gives up on a graceful stop after 8 s. */
const EXIT_TIMEOUT_MS = 20_000;

interface Booted {
  cli: RunningCli;
  url: string;
  port: number;
  /** The DynamoDB Local this run started, and the node process (its parent) that runs the stack. */
  java: number;
  node: number;
}

describe('npm start -- --persist DIR', () => {
  const started: RunningCli[] = [];
  const dirs: string[] = [];

  afterEach(() => {
    // A safety net only: every test stops its own runs and checks that nothing is left.
    for (const cli of started.splice(0)) cli.killGroup();
  });

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function tempDir(label: string): string {
    const dir = mkdtempSync(join(tmpdir(), `${label}-`));
    dirs.push(dir);
    return dir;
  }

  async function boot(args: string[]): Promise<Booted> {
    const cli = runCli('infra/local/start.ts', ['--port', '0', ...args]);
    started.push(cli);
    const [, url] = await cli.waitForOutput(/running at (http:\/\/127\.0\.0\.1:(\d+))/, BOOT_TIMEOUT_MS);
    const javas = descendants(cli.pid).filter((p) => p.cmdline.includes('DynamoDBLocal.jar'));
    if (!url || javas.length !== 1) throw new Error(`unexpected start (${javas.length} Java processes):\n${cli.stdout()}\n${cli.stderr()}`);
    return { cli, url, port: Number(new URL(url).port), java: javas[0]!.pid, node: javas[0]!.ppid };
  }

  /** The curl the banner prints: its customer and its token. */
  async function bannerExample(run: Booted): Promise<{ customerId: string; token: string }> {
    const [, customerId] = await run.cli.waitForOutput(/curl -i -X DELETE "http:\/\/127\.0\.0\.1:\d+\/customer\/([^"]+)"/, 1000);
    const [, token] = await run.cli.waitForOutput(/-H "Authorization: Bearer ([A-Za-z0-9_.-]+)"/, 1000);
    return { customerId: customerId!, token: token! };
  }

  /** Ctrl-C to the process that started Java, and only to it: Java hears nothing from a terminal, so the stack alone must stop it. */
  async function interrupt(run: Booted): Promise<{ code: number | null }> {
    process.kill(run.node, 'SIGINT');
    return within(run.cli.exited, EXIT_TIMEOUT_MS, 'stopping after Ctrl-C');
  }

  /** The run's table, read directly (the endpoint from the runtime file the run wrote for its port). */
  function tableOf(run: Booted): { doc: DynamoDBDocumentClient; tableName: string; destroy(): void } {
    const info = readRuntimeInfo({ port: run.port });
    const client = new DynamoDBClient({
      endpoint: info.dynamoEndpoint,
      region: LOCAL_CREDENTIALS.AWS_REGION,
      credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
    });
    return { doc: DynamoDBDocumentClient.from(client), tableName: info.tableName, destroy: () => client.destroy() };
  }

  async function customerStatus(run: Booted, customerId: string): Promise<unknown> {
    const table = tableOf(run);
    try {
      const { Item } = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: keys.customer(customerId) }));
      return Item?.status;
    } finally {
      table.destroy();
    }
  }

  function deleteCustomer(url: string, customerId: string, token: string) {
    return httpRequest(`${url}/customer/${customerId}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
  }

  it(
    'keeps a deletion across a restart, seeds nothing the second time, and --reset seeds afresh',
    async () => {
      // Prepare: a first run deletes the banner's customer, then Ctrl-C
      const dir = tempDir('persist-restart');
      const first = await boot(['--persist', dir]);
      const example = await bannerExample(first);
      expect(example.customerId).toBe('cust-1001');
      expect((await deleteCustomer(first.url, example.customerId, example.token)).status).toBe(200);
      // A second stack on the same files while the first runs is refused: two Javas would corrupt them.
      const rival = runCli('infra/local/start.ts', ['--port', '0', '--persist', dir]);
      started.push(rival);
      expect((await within(rival.exited, EXIT_TIMEOUT_MS, 'refusing a directory in use')).code).toBe(1);
      expect(ownLines(rival.stderr())).toContain(`DynamoDB Local (pid ${first.java}) is already running on ${dir}: another \`npm start --persist\` uses it, or one was left behind. Stop it first (kill ${first.java}).`);
      expect(javaProcessesOn(dir)).toEqual([first.java]);
      expect((await interrupt(first)).code).toBe(0);

      // Act 1: start again on the same directory
      const second = await boot(['--persist', dir]);

      // Assess 1: still deleted, the seed not loaded again, a second DELETE finds nothing to delete
      expect(second.cli.stdout()).toContain('seed not loaded: the table already holds data');
      expect(second.cli.stdout()).not.toContain('seed loaded');
      expect(await customerStatus(second, 'cust-1001')).toBe('DELETED');
      expect((await bannerExample(second)).customerId).not.toBe('cust-1001');
      expect((await deleteCustomer(second.url, 'cust-1001', example.token)).status).toBe(404);
      expect((await interrupt(second)).code).toBe(0);

      // Act 2: --reset
      const third = await boot(['--persist', dir, '--reset']);

      // Assess 2: the seed is back
      expect(third.cli.stdout()).toContain('table deleted (--reset)');
      expect(third.cli.stdout()).toContain('seed loaded');
      expect(await customerStatus(third, 'cust-1001')).toBe('ACTIVE');
      expect((await bannerExample(third)).customerId).toBe('cust-1001');
      expect((await interrupt(third)).code).toBe(0);
      expect(javaProcessesOn(dir)).toEqual([]);
    },
    3 * (BOOT_TIMEOUT_MS + EXIT_TIMEOUT_MS),
  );

  it(
    'stops its Java on Ctrl-C in the middle of a 250-device cascade',
    async () => {
      // Prepare: a seed whose only deletable customer has 250 devices; the banner must offer it
      const dir = tempDir('persist-load');
      const devices = Array.from({ length: 250 }, (_, i) => ({ id: `big-d-${i}`, customerId: 'big' }));
      const seed = writeSeedFile(dir, seedDocument({ customers: [{ id: 'acme', parentId: null }, { id: 'big', parentId: 'acme' }], devices }));
      const run = await boot(['--persist', join(dir, 'data'), '--seed', seed]);
      const example = await bannerExample(run);
      expect(example.customerId).toBe('big');
      expect(run.cli.stdout()).not.toContain('cust-1001');
      expect((await deleteCustomer(run.url, 'big', example.token)).status).toBe(200);
      // The cascade is under way once its devices step has revoked some devices, and not all of them.
      const table = tableOf(run);
      try {
        await eventually(async () => {
          const { Items = [] } = await table.doc.send(
            new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)', ExpressionAttributeValues: { ':pk': 'CUSTOMER#big', ':sk': 'DEVICE#' } }),
          );
          return Items.some((item) => item.status === 'REVOKED');
        }, 20_000, 'the devices step under way');
      } finally {
        table.destroy();
      }

      // Act
      const exit = await interrupt(run);

      // Assess
      expect(exit.code).not.toBeNull();
      expect(isAlive(run.java)).toBe(false);
      expect(javaProcessesOn(join(dir, 'data'))).toEqual([]);
    },
    BOOT_TIMEOUT_MS + EXIT_TIMEOUT_MS + 30_000,
  );

  it(
    'ends in one line and a non-zero exit when its Java is killed under it',
    async () => {
      // Prepare
      const run = await boot([]);

      // Act
      process.kill(run.java, 'SIGKILL');
      const exit = await within(run.cli.exited, EXIT_TIMEOUT_MS, 'exiting after its emulator died');

      // Assess: its own lines on stderr are that one line (the runtime's warnings aside)
      expect(exit.code).toBe(1);
      const ownErrors = run.cli.stderr().split('\n').filter((line) => line.startsWith('[local]'));
      expect(ownErrors).toEqual([`[local] DynamoDB Local (pid ${run.java}) was killed (SIGKILL): the local stack cannot work without it. Stopping.`]);
      expect(`${run.cli.stdout()}${run.cli.stderr()}`).not.toMatch(/poll failed|^\s+at /m);
    },
    BOOT_TIMEOUT_MS + EXIT_TIMEOUT_MS + 10_000,
  );
});
