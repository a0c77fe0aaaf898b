import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../infra/local/local-config';

/**
 * The bench's token issuer. Production issuers (Cognito, Auth0, Okta) sign with RS256, so the bench
 * mints and verifies RS256 tokens: `jwtVerifyShare` then measures what the API pays in AWS, not the
 * local stack's ES256 (infra/local/token-issuer.ts, unchanged). The key is RSA 2048 (Cognito's
 * size), made afresh for each run and written under the run's directory, which the run removes.
 * Same issuer and audience as the local issuer, so the API's environment (bench/function-env.ts) is
 * the same whichever key signed.
 */

export const BENCH_SIGNING_ALG = 'RS256';

interface BenchSigningKey {
  kid: string;
  privateJwk: JWK;
}

/** Generates the run's key pair and writes it to `file` (readable by this user only) for the bench's child processes. */
export async function createBenchSigningKey(file: string): Promise<BenchSigningKey> {
  const { privateKey } = await generateKeyPair(BENCH_SIGNING_ALG, { modulusLength: 2048, extractable: true });
  const key: BenchSigningKey = { kid: randomUUID(), privateJwk: await exportJWK(privateKey) };
  writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
  return key;
}

export function readBenchSigningKey(file: string): BenchSigningKey {
  return JSON.parse(readFileSync(file, 'utf8')) as BenchSigningKey;
}

/** The JWKS the bench serves: the public members of the RSA key only (`n`, `e`), with its kid and alg. */
export function benchJwks(key: BenchSigningKey): { keys: JWK[] } {
  const { kty, n, e } = key.privateJwk;
  return { keys: [{ kty, n, e, kid: key.kid, alg: BENCH_SIGNING_ALG, use: 'sig' }] };
}

/** Mints tokens with the claims the local issuer's `mintToken` sets; the private key is imported once, not per token. */
export async function benchTokenMinter(key: BenchSigningKey): Promise<(claims: { sub: string; accountId: string; role: string; scope: string; ttlSeconds: number }) => Promise<string>> {
  const privateKey = await importJWK(key.privateJwk, BENCH_SIGNING_ALG);
  return ({ sub, accountId, role, scope, ttlSeconds }) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ accountId, role, scope })
      .setProtectedHeader({ alg: BENCH_SIGNING_ALG, kid: key.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(randomUUID())
      .sign(privateKey);
  };
}
