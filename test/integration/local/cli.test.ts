import { createServer, type AddressInfo, type Server } from 'node:net';
import { compactVerify, createLocalJWKSet, decodeJwt } from 'jose';
import { jwksFor, loadOrCreateSigningKey } from '../../../infra/local/token-issuer';
import { httpRequest } from './http-client';
import { descendants, isAlive, ownLines, processes, runCli, within, type RunningCli } from './processes';

/**
 * `npm start` and `npm run token` as a user runs them: separate processes, their own DynamoDB Local
 * (a Java process), their printed output, and Ctrl-C.
 */

const BOOT_TIMEOUT_MS = 40_000;
/** How long a stop may take before the test gives up on it: a hang guard, not a speed check (the CLI itself abandons a stop after 5 s). */
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
