import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../../infra/local/local-config';
import { jwksFor, loadOrCreateSigningKey, mintToken } from '../../../infra/local/token-issuer';

describe('local token issuer', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'token-issuer-test-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the signing key once, readable by its owner only, and reloads the same key', async () => {
    const file = join(dir, 'keys', 'signing-key.json');

    const created = await loadOrCreateSigningKey(file);
    const reloaded = await loadOrCreateSigningKey(file);

    expect(reloaded).toEqual(created);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('hands every concurrent first caller the same key, and leaves no temporary file', async () => {
    const file = join(dir, 'signing-key.json');

    const keys = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateSigningKey(file)));

    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(readdirSync(dir)).toEqual(['signing-key.json']);
  });

  it('publishes the public key only', async () => {
    const key = await loadOrCreateSigningKey(join(dir, 'signing-key.json'));

    const jwks = jwksFor(key);

    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: key.kid, alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('mints a token the JWKS verifies, with the local issuer and audience', async () => {
    // Prepare
    const key = await loadOrCreateSigningKey(join(dir, 'signing-key.json'));

    // Act
    const token = await mintToken(key, { sub: 'alice', accountId: 'platform', role: 'ADMIN', scope: 'customers:delete customers:purge', ttlSeconds: 300 });

    // Assess
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwksFor(key)), { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: key.kid, typ: 'JWT' });
    expect(payload).toMatchObject({ sub: 'alice', accountId: 'platform', role: 'ADMIN', scope: 'customers:delete customers:purge' });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.jti).toEqual(expect.any(String));
  });

  it('mints an already-expired token for a negative ttl, issued before it expired', async () => {
    const key = await loadOrCreateSigningKey(join(dir, 'signing-key.json'));

    const payload = decodeJwt(await mintToken(key, { sub: 's', accountId: 'a', ttlSeconds: -60 }));
    const now = Math.floor(Date.now() / 1000); // after minting: however long that took, exp is already past

    expect(payload.exp).toBeLessThan(now);
    expect(payload.iat).toBeLessThan(payload.exp!);
    await expect(jwtVerify(await mintToken(key, { sub: 's', accountId: 'a', ttlSeconds: -60 }), createLocalJWKSet(jwksFor(key)))).rejects.toThrow(/exp/);
  });
});
