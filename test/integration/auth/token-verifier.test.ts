import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LOCAL_MAX_TOKEN_AGE_SECONDS } from '../../../infra/local/local-config';
import { jwksFor, loadOrCreateSigningKey, mintToken } from '../../../infra/local/token-issuer';
import { createTokenVerifier } from '../../../shared/auth/token-verifier';
import { DependencyUnavailableError, UnauthorizedError } from '../../../shared/domain/errors';
import { bearer, createTestKey, jwksOf, signToken, testVerifierConfig, type TestKey } from '../../unit/auth/token-factory';
import { NOTHING_LISTENS } from '../support/network';
import { startJwksServer, type JwksServer } from './jwks-server';

/** Real HTTP on 127.0.0.1: the verifier fetches its keys through jose's createRemoteJWKSet. */

async function failure(act: Promise<unknown>): Promise<unknown> {
  return act.then(
    () => undefined,
    (e: unknown) => e,
  );
}

async function expectJwksUnavailable(act: Promise<unknown>, causeCheck: (cause: unknown) => void): Promise<void> {
  const error = await failure(act);
  expect(error).toBeInstanceOf(DependencyUnavailableError);
  expect((error as DependencyUnavailableError).dependency).toBe('jwks');
  causeCheck((error as DependencyUnavailableError).cause);
}

const causeCode = (code: string) => (cause: unknown) => expect(cause).toMatchObject({ code });

describe('token verifier against a JWKS over HTTP', () => {
  let key: TestKey;
  let servers: JwksServer[] = [];

  beforeAll(async () => {
    key = await createTestKey('ES256');
  });

  afterEach(async () => {
    await Promise.all(servers.map((server) => server.close()));
    servers = [];
  });

  async function jwksServer(...args: Parameters<typeof startJwksServer>): Promise<JwksServer> {
    const server = await startJwksServer(...args);
    servers.push(server);
    return server;
  }

  it('verifies a good token and fetches the key set once for several requests', async () => {
    // Prepare
    const server = await jwksServer({ kind: 'serve', body: jwksOf(key) });
    const verifier = createTokenVerifier(testVerifierConfig({ jwksUrl: server.url }));
    const token = await signToken(key);

    // Act
    const first = await verifier.verify(bearer(token));
    const second = await verifier.verify(bearer(token));

    // Assess
    expect(first).toEqual({ sub: 'user-0001', role: 'ADMIN', accountId: 'account-0001', scopes: new Set(['customers:delete', 'users:delete']) });
    expect(second).toEqual(first);
    expect(server.requests).toBe(1);
  });

  it('answers 401 for an unknown kid without refetching during the cooldown', async () => {
    // Prepare
    const server = await jwksServer({ kind: 'serve', body: jwksOf(key) });
    const verifier = createTokenVerifier(testVerifierConfig({ jwksUrl: server.url }));
    const stranger = await createTestKey('ES256');
    const token = await signToken(stranger);

    // Act
    const errors = [await failure(verifier.verify(bearer(token))), await failure(verifier.verify(bearer(token)))];

    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect((error as UnauthorizedError).reason).toBe('unknown-key');
    }
    expect(server.requests).toBe(1);
  });

  it('picks up a rotated key once the cooldown has passed', async () => {
    // Prepare
    const server = await jwksServer({ kind: 'serve', body: jwksOf(key) });
    const verifier = createTokenVerifier(testVerifierConfig({ jwksUrl: server.url, jwksCooldownMs: 0 }));
    await verifier.verify(bearer(await signToken(key)));
    const next = await createTestKey('RS256');
    server.behave({ kind: 'serve', body: jwksOf(next) });

    // Act
    const actor = await verifier.verify(bearer(await signToken(next)));

    // Assess
    expect(actor.sub).toBe('user-0001');
    expect(server.requests).toBe(2);
  });

  it('reports a JWKS server that is down as unavailable', async () => {
    // Prepare: a port nothing can listen on.
    const verifier = createTokenVerifier(testVerifierConfig({ jwksUrl: `${NOTHING_LISTENS}/.well-known/jwks.json` }));

    // Act / Assess
    await expectJwksUnavailable(verifier.verify(bearer(await signToken(key))), (cause) => {
      // fetch's TypeError comes from Node's realm, not the test's: match by shape, not instanceof.
      expect(cause).toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
    });
  });

  it('gives up on a JWKS server that hangs within the configured timeout', async () => {
    // Prepare: two verifiers on one hanging server, the patient one asked first. Only the
    // configured timeout can make the impatient one give up while the patient one still waits.
    const server = await jwksServer({ kind: 'hang' });
    const patient = createTokenVerifier(testVerifierConfig({ jwksUrl: server.url, jwksTimeoutMs: 60_000 }));
    const impatient = createTokenVerifier(testVerifierConfig({ jwksUrl: server.url, jwksTimeoutMs: 300 }));
    const token = await signToken(key);
    let patientSettled = false;
    const patientAttempt = failure(patient.verify(bearer(token))).finally(() => (patientSettled = true));
    await server.received(1);

    // Act
    await expectJwksUnavailable(impatient.verify(bearer(token)), causeCode('ERR_JWKS_TIMEOUT'));
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(patientSettled).toBe(false);
    await server.close(); // the patient one gives up too once its connection is gone
    await patientAttempt;
  });

  it('reports a JWKS answering 500 as unavailable', async () => {
    // Prepare
    const server = await jwksServer({ kind: 'status', status: 500, body: '{"message":"internal"}' });
    const verifier = createTokenVerifier(testVerifierConfig({ jwksUrl: server.url }));

    // Act / Assess
    await expectJwksUnavailable(verifier.verify(bearer(await signToken(key))), causeCode('ERR_JOSE_GENERIC'));
  });

  it('reports a JWKS redirect as unavailable rather than following it', async () => {
    // Prepare
    const server = await jwksServer({ kind: 'status', status: 302, body: '' });
    const verifier = createTokenVerifier(testVerifierConfig({ jwksUrl: server.url }));

    // Act / Assess
    await expectJwksUnavailable(verifier.verify(bearer(await signToken(key))), causeCode('ERR_JOSE_GENERIC'));
  });

  it('reports a JWKS answering invalid JSON as unavailable', async () => {
    // Prepare
    const server = await jwksServer({ kind: 'raw', body: '{"keys": [' });
    const verifier = createTokenVerifier(testVerifierConfig({ jwksUrl: server.url }));

    // Act / Assess
    await expectJwksUnavailable(verifier.verify(bearer(await signToken(key))), causeCode('ERR_JOSE_GENERIC'));
  });

  it('reports JSON that is not a key set as unavailable', async () => {
    // Prepare
    const server = await jwksServer({ kind: 'serve', body: { keys: 'none' } });
    const verifier = createTokenVerifier(testVerifierConfig({ jwksUrl: server.url }));

    // Act / Assess
    await expectJwksUnavailable(verifier.verify(bearer(await signToken(key))), causeCode('ERR_JWKS_INVALID'));
  });

  it('recovers once the JWKS is back (failures are not cached)', async () => {
    // Prepare
    const server = await jwksServer({ kind: 'status', status: 503, body: '' });
    const verifier = createTokenVerifier(testVerifierConfig({ jwksUrl: server.url }));
    const token = await signToken(key);
    await expectJwksUnavailable(verifier.verify(bearer(token)), causeCode('ERR_JOSE_GENERIC'));
    server.behave({ kind: 'serve', body: jwksOf(key) });

    // Act
    const actor = await verifier.verify(bearer(token));

    // Assess
    expect(actor.accountId).toBe('account-0001');
    expect(server.requests).toBe(2);
  });

  describe('with the local token issuer (what `npm run token` prints)', () => {
    let dir: string;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'token-verifier-'));
    });

    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    async function localVerifier() {
      const signingKey = await loadOrCreateSigningKey(join(dir, 'signing-key.json'));
      const server = await jwksServer({ kind: 'serve', body: jwksFor(signingKey) });
      const verifier = createTokenVerifier({ jwksUrl: server.url, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, maxTokenAgeSeconds: LOCAL_MAX_TOKEN_AGE_SECONDS });
      return { signingKey, verifier };
    }

    it('verifies a minted token', async () => {
      // Prepare
      const { signingKey, verifier } = await localVerifier();
      const token = await mintToken(signingKey, { sub: 'support-agent-1', accountId: 'account-root', role: 'MASTER', scope: 'customers:delete customers:purge' });

      // Act
      const actor = await verifier.verify(bearer(token));

      // Assess
      expect(actor).toEqual({ sub: 'support-agent-1', role: 'MASTER', accountId: 'account-root', scopes: new Set(['customers:delete', 'customers:purge']) });
    });

    it('refuses a minted token that has expired', async () => {
      // Prepare
      const { signingKey, verifier } = await localVerifier();
      const token = await mintToken(signingKey, { sub: 'support-agent-1', accountId: 'account-root', ttlSeconds: -120 });

      // Act
      const error = await failure(verifier.verify(bearer(token)));

      // Assess
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect((error as UnauthorizedError).reason).toBe('expired');
    });
  });
});
