import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminCreateUserCommand, AdminGetUserCommand, CognitoIdentityProviderClient, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { COGNITO_MAX_ATTEMPTS, CognitoIdentityProvider, createCognitoClient } from '../../../shared/adapters/identity/cognito-identity-provider';
import { IdentityProviderError } from '../../../shared/domain/cascade-errors';
import { describeError } from '../../../shared/domain/safe-error';
import type { IdentityProvider, WorkContext } from '../../../shared/workers/ports';
import { startCognitoLocal, type RunningCognitoLocal } from '../support/cognito-local';

/**
 * The Cognito adapter, as it is, against servers that speak Cognito's wire protocol (AWS JSON 1.1):
 * cognito-local for AdminDisableUser, AdminEnableUser and AdminGetUser, and a small server of our
 * own for AdminUserGlobalSignOut, which cognito-local does not implement. No SDK mocks.
 */

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const CONTEXT: WorkContext = { requestId: '00000000-0000-4000-8000-000000000001', eventId: 'e-1', at: '2026-11-22T08:00:00.000Z' };
const CLIENT_CONFIG = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

interface Received {
  target: string;
  contentType: string;
  body: Record<string, unknown>;
}

type Answer = 'ok' | 'not-found' | 'throttled';

/** What the server says to a call it answers: success, or a JSON 1.1 error (HTTP 400, `__type` and `message`). */
function answer(res: ServerResponse, kind: Answer): void {
  if (kind === 'ok') {
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end('{}');
    return;
  }
  const type = kind === 'not-found' ? 'UserNotFoundException' : 'TooManyRequestsException';
  // Cognito's messages may quote the username: the adapter must not pass them on.
  res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: type, message: `${type}: user u-secret-login` }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A Cognito endpoint on port 0: AdminUserGlobalSignOut is answered here from `signOut` (one answer
 * per call, the last one repeated), after checking its header and recording its body; any other
 * call is forwarded to `upstream` (cognito-local) when there is one.
 */
async function startCognitoEndpoint(options: { signOut: Answer[]; upstream?: string }) {
  const received: Received[] = [];
  const answers = [...options.signOut];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      const target = String(req.headers['x-amz-target'] ?? '');
      received.push({ target, contentType: String(req.headers['content-type']), body: JSON.parse(text) as Record<string, unknown> });
      if (target === `${TARGET_PREFIX}AdminUserGlobalSignOut`) {
        answer(res, (answers.length > 1 ? answers.shift() : answers[0]) ?? 'ok');
        return;
      }
      if (!options.upstream) {
        answer(res, 'ok');
        return;
      }
      const upstream = await fetch(options.upstream, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, body: text });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/x-amz-json-1.1' }).end(await upstream.text());
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    received,
    targets: () => received.map((r) => r.target.slice(TARGET_PREFIX.length)),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('Cognito adapter against cognito-local', () => {
  let cognito: RunningCognitoLocal;
  let admin: CognitoIdentityProviderClient;
  let userPoolId: string;
  let endpoint: Awaited<ReturnType<typeof startCognitoEndpoint>>;
  let provider: IdentityProvider;

  beforeAll(async () => {
    cognito = await startCognitoLocal();
    admin = new CognitoIdentityProviderClient({ ...CLIENT_CONFIG, endpoint: cognito.endpoint });
    userPoolId = (await admin.send(new CreateUserPoolCommand({ PoolName: 'customer-deletion-test' }))).UserPool!.Id!;
    for (const username of ['u-alice', 'u-bob']) {
      await admin.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS' }));
    }
    endpoint = await startCognitoEndpoint({ signOut: ['ok'], upstream: cognito.endpoint });
    provider = new CognitoIdentityProvider(createCognitoClient(userPoolId, { ...CLIENT_CONFIG, endpoint: endpoint.endpoint }), userPoolId);
  }, 40_000);

  afterAll(async () => {
    admin?.destroy();
    await endpoint?.stop();
    await cognito?.stop();
  });

  const enabled = async (username: string) => (await admin.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }))).Enabled;

  it('signs the login out, then disables it: AdminGetUser shows it disabled, the other login untouched', async () => {
    // Prepare
    expect(await enabled('u-alice')).toBe(true);
    endpoint.received.length = 0;

    // Act
    const outcome = await provider.signOutAndDisable({ id: 'u-alice', customerId: 'acme' }, CONTEXT);

    // Assess
    expect(outcome).toBe('disabled');
    expect(endpoint.targets()).toEqual(['AdminUserGlobalSignOut', 'AdminDisableUser']);
    for (const call of endpoint.received) expect(call.body).toEqual({ UserPoolId: userPoolId, Username: 'u-alice' });
    expect(await enabled('u-alice')).toBe(false);
    expect(await enabled('u-bob')).toBe(true);
  });

  it('does it again without harm (a re-run after a timeout)', async () => {
    // Act
    const outcome = await provider.signOutAndDisable({ id: 'u-alice', customerId: 'acme' }, CONTEXT);

    // Assess
    expect(outcome).toBe('disabled');
    expect(await enabled('u-alice')).toBe(false);
  });

  it('enables a disabled login again (a restore)', async () => {
    // Act
    const outcome = await provider.enable({ id: 'u-alice', customerId: 'acme' });

    // Assess
    expect(outcome).toBe('enabled');
    expect(await enabled('u-alice')).toBe(true);
  });

  it('counts a login the pool does not know as unknown, for disable and enable', async () => {
    // Act / Assess
    await expect(provider.signOutAndDisable({ id: 'u-nobody', customerId: 'acme' }, CONTEXT)).resolves.toBe('unknown');
    await expect(provider.enable({ id: 'u-nobody', customerId: 'acme' })).resolves.toBe('unknown');
  });
});

describe('Cognito adapter: AdminUserGlobalSignOut (JSON 1.1 server of our own)', () => {
  const started: { stop(): Promise<void> }[] = [];

  afterEach(async () => {
    for (const server of started.splice(0)) await server.stop();
  });

  async function providerAnswering(signOut: Answer[]) {
    const endpoint = await startCognitoEndpoint({ signOut });
    started.push(endpoint);
    const provider: IdentityProvider = new CognitoIdentityProvider(createCognitoClient('us-east-1_TEST', { ...CLIENT_CONFIG, endpoint: endpoint.endpoint }), 'us-east-1_TEST');
    return { endpoint, provider };
  }

  it('sends AdminUserGlobalSignOut then AdminDisableUser, as AWS JSON 1.1 with the pool and the login as Username', async () => {
    // Prepare
    const { endpoint, provider } = await providerAnswering(['ok']);

    // Act
    const outcome = await provider.signOutAndDisable({ id: 'u-1', customerId: 'acme' }, CONTEXT);

    // Assess
    expect(outcome).toBe('disabled');
    expect(endpoint.received).toEqual([
      { target: 'AWSCognitoIdentityProviderService.AdminUserGlobalSignOut', contentType: 'application/x-amz-json-1.1', body: { UserPoolId: 'us-east-1_TEST', Username: 'u-1' } },
      { target: 'AWSCognitoIdentityProviderService.AdminDisableUser', contentType: 'application/x-amz-json-1.1', body: { UserPoolId: 'us-east-1_TEST', Username: 'u-1' } },
    ]);
  });

  it('takes UserNotFoundException as nothing to do: unknown, and no AdminDisableUser', async () => {
    // Prepare
    const { endpoint, provider } = await providerAnswering(['not-found']);

    // Act
    const outcome = await provider.signOutAndDisable({ id: 'u-gone', customerId: 'acme' }, CONTEXT);

    // Assess
    expect(outcome).toBe('unknown');
    expect(endpoint.targets()).toEqual(['AdminUserGlobalSignOut']);
  });

  it('retries TooManyRequestsException (the SDK classes it as throttling) and succeeds once Cognito answers', async () => {
    // Prepare
    const { endpoint, provider } = await providerAnswering(['throttled', 'throttled', 'ok']);

    // Act
    const outcome = await provider.signOutAndDisable({ id: 'u-1', customerId: 'acme' }, CONTEXT);

    // Assess
    expect(outcome).toBe('disabled');
    expect(endpoint.targets()).toEqual(['AdminUserGlobalSignOut', 'AdminUserGlobalSignOut', 'AdminUserGlobalSignOut', 'AdminDisableUser']);
  });

  it(`gives up after ${COGNITO_MAX_ATTEMPTS} throttled attempts with an IdentityProviderError that names the code and the operation, not the login`, async () => {
    // Prepare
    const { endpoint, provider } = await providerAnswering(['throttled']);

    // Act
    const failure = await provider.signOutAndDisable({ id: 'u-secret-login', customerId: 'acme' }, CONTEXT).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(IdentityProviderError);
    expect((failure as IdentityProviderError).permanent).toBe(false);
    expect(describeError(failure)).toBe('Cognito TooManyRequestsException on AdminUserGlobalSignOut');
    expect(describeError(failure)).not.toContain('u-secret-login');
    expect(endpoint.targets()).toEqual(Array.from({ length: COGNITO_MAX_ATTEMPTS }, () => 'AdminUserGlobalSignOut'));
  }, 30_000);
});
