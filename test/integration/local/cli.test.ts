import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, createLocalJWKSet, decodeJwt } from 'jose';
import { jwksFor, loadOrCreateSigningKey } from '../../../infra/local/token-issuer';
import { seedDocument, writeSeedFile } from '../../unit/local/factories';
import { httpRequest } from './http-client';
import { descendants, isAlive, ownLines, processes, runCli, within, type RunningCli } from './processes';

/**
 * `npm start` and `npm run token` as a user runs them: separate processes, their own DynamoDB Local
 * (a Java process), their printed output, and Ctrl-C.
 */

const BOOT_TIMEOUT_MS = 40_000;
/** How long a stop may take before the test gives up on it: a hang guard, not a speed check (the CLI itself abandons a stop after 8 s). */
const EXIT_TIMEOUT_MS = 20_000;

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

describe('the local stack CLI (npm start)', () => {
  const started: RunningCli[] = [];

  afterEach(() => {
    for (const cli of started.splice(0)) cli.killGroup();
  });

  async function boot(): Promise<{ cli: RunningCli; url: string; token: string; java: { pid: number; port: string } }> {
    // Port 0: the stack binds whatever port the OS gives it and prints its URL.
    const cli = runCli('infra/local/start.ts', ['--port', '0']);
    started.push(cli);
    const [, url] = await cli.waitForOutput(/running at (http:\/\/127\.0\.0\.1:\d+)/, BOOT_TIMEOUT_MS);
    const [, token] = await cli.waitForOutput(/-H "Authorization: Bearer ([A-Za-z0-9_.-]+)"/, 1000);
    const javas = descendants(cli.pid).filter((p) => p.cmdline.includes('DynamoDBLocal.jar'));
    expect(javas).toHaveLength(1);
    const port = /-port (\d+)/.exec(javas[0]!.cmdline)?.[1];
    if (!url || !token || !port) throw new Error(`unexpected output:\n${cli.stdout()}`);
    return { cli, url, token, java: { pid: javas[0]!.pid, port } };
  }

  function javaOnPort(port: string) {
    return processes().filter((p) => p.cmdline.includes('DynamoDBLocal.jar') && p.cmdline.includes(`-port ${port}`));
  }

  it(
    'boots, prints a curl that reaches the handler, and leaves no process behind after Ctrl-C',
    async () => {
      // Prepare
      const { cli, url, token, java } = await boot();

      // Act 1: what the printed curl does
      const response = await httpRequest(`${url}/customer/cust-1001`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      });

      // Assess 1
      expect(response.status).toBe(200);
      expect(JSON.parse(response.text)).toMatchObject({ success: true, message: 'Customer deleted successfully' });

      // Act 2: Ctrl-C, which the terminal sends to the whole foreground process group
      process.kill(-cli.pid, 'SIGINT');
      await within(cli.exited, EXIT_TIMEOUT_MS, 'stopping after Ctrl-C');

      // Assess 2
      expect(cli.stdout()).toContain('SIGINT: stopping');
      expect(isAlive(java.pid)).toBe(false);
      expect(javaOnPort(java.port)).toEqual([]);
      expect(processes().filter((p) => p.pgrp === cli.pid)).toEqual([]);
    },
    BOOT_TIMEOUT_MS + EXIT_TIMEOUT_MS + 10_000,
  );

  describe('with its port taken', () => {
    let blocker: Server;
    let port: number;

    beforeAll(async () => {
      // A port we hold ourselves (bound on port 0, so no other process can have it).
      blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      ({ port } = blocker.address() as AddressInfo);
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    });

    it('exits non-zero with one line, no stack trace, and starts no Java', async () => {
      // Act
      const cli = runCli('infra/local/start.ts', ['--port', String(port)]);
      started.push(cli);
      const exit = await within(cli.exited, 20_000, 'failing on a taken port');

      // Assess
      expect(exit.code).not.toBe(0);
      expect(exit.code).not.toBeNull();
      expect(ownLines(cli.stderr())).toEqual([`Port ${port} is already in use (HTTP API). Stop whatever holds it or choose another with --port.`]);
      expect(`${cli.stdout()}${cli.stderr()}`).not.toMatch(/^\s+at /m);
      expect(processes().filter((p) => p.pgrp === cli.pid)).toEqual([]);
    }, 30_000);
  });
});

describe('the token CLI (npm run token)', () => {
  it('prints exactly one JWT, signed by the local key, already expired for a negative --ttl', async () => {
    // Act
    const cli = runCli('infra/local/token-cli.ts', ['--sub', 's', '--account', 'a', '--ttl', '-60']);
    const exit = await within(cli.exited, 20_000, 'minting a token');

    // Assess
    expect(ownLines(cli.stderr())).toEqual([]);
    expect(exit.code).toBe(0);
    const lines = cli.stdout().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    const token = lines[0]!;
    expect(token).toMatch(JWT);
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({ sub: 's', accountId: 'a' });
    expect(payload.exp).toBeLessThan(Math.floor(Date.now() / 1000));
    // The signature is the local key's (what the stack's JWKS publishes); only the expiry is wrong.
    const jwks = createLocalJWKSet(jwksFor(await loadOrCreateSigningKey()));
    await expect(compactVerify(token, jwks)).resolves.toBeDefined();
  }, 30_000);
});

describe('every local CLI: --help and bad options', () => {
  const clis = [
    ['npm start', 'infra/local/start.ts'],
    ['npm run token', 'infra/local/token-cli.ts'],
    ['npm run redrive', 'infra/local/redrive-cli.ts'],
    ['npm run receipt', 'infra/local/receipt-main.ts'],
  ] as const;
  type Outcome = { code: number | null; stdout: string; stderr: string[] };
  const outcomes = new Map<string, Outcome>();
  const key = (script: string, args: readonly string[]) => `${script} ${args.join(' ')}`;
  const cases: [string, string[]][] = [
    ...clis.flatMap(([, script]): [string, string[]][] => [
      [script, ['--help']],
      [script, ['--bogus']],
    ]),
    ...clis.filter(([name]) => name !== 'npm run receipt').map(([, script]): [string, string[]] => [script, ['--port', 'abc']]),
  ];

  beforeAll(async () => {
    // All at once: each is a short-lived process that fails (or answers) before starting anything.
    await Promise.all(
      cases.map(async ([script, args]) => {
        const cli = runCli(script, args);
        const exit = await within(cli.exited, 30_000, `${script} ${args.join(' ')}`);
        outcomes.set(key(script, args), { code: exit.code, stdout: cli.stdout(), stderr: ownLines(cli.stderr()) });
      }),
    );
  }, 40_000);

  const outcome = (script: string, args: readonly string[]): Outcome => {
    const found = outcomes.get(key(script, args));
    if (!found) throw new Error(`no outcome for ${key(script, args)}`);
    return found;
  };

  it.each(clis)('%s --help prints its usage and exits 0', (name, script) => {
    const { code, stdout, stderr } = outcome(script, ['--help']);

    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: ${name}`));
    expect(stdout).toContain('-h, --help');
    expect(stderr).toEqual([]);
  });

  it.each(clis)('%s --bogus prints one line naming it, then the usage, and exits non-zero', (name, script) => {
    const { code, stdout, stderr } = outcome(script, ['--bogus']);

    expect(code).toBe(2);
    expect(stderr[0]).toBe(`${name}: Unknown option '--bogus'`);
    expect(stderr[1]).toMatch(new RegExp(`^Usage: ${name}`));
    expect(`${stdout}${stderr.join('\n')}`).not.toMatch(/^\s+at /m);
  });

  it.each(clis.filter(([name]) => name !== 'npm run receipt'))('%s --port abc names the option and its value', (name, script) => {
    const { code, stderr } = outcome(script, ['--port', 'abc']);

    expect(code).toBe(2);
    expect(stderr[0]).toBe(`${name}: --port must be a TCP port number (0-65535), got 'abc'`);
    expect(stderr[1]).toMatch(/^Usage: /);
  });
});

describe('npm start with a seed file holding a parent cycle', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'seed-cycle-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses it in one line naming the cycle, and starts no Java', async () => {
    // Prepare
    const seed = writeSeedFile(dir, seedDocument({ customers: [{ id: 'root', parentId: null }, { id: 'a', parentId: 'b' }, { id: 'b', parentId: 'a' }] }));

    // Act
    const cli = runCli('infra/local/start.ts', ['--port', '0', '--seed', seed]);
    const exit = await within(cli.exited, 20_000, 'refusing the seed');

    // Assess
    expect(exit.code).toBe(1);
    expect(ownLines(cli.stderr())).toEqual([`Seed file ${seed} is invalid: parent cycle a -> b -> a`]);
    expect(processes().filter((p) => p.pgrp === cli.pid)).toEqual([]);
  }, 30_000);
});
