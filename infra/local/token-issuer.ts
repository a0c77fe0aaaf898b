import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { publishKeyFile, readKeyFile } from '../../shared/adapters/keys/key-file';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, signingKeyFile } from './local-config';

export const LOCAL_SIGNING_ALG = 'ES256';

interface StoredKey {
  kid: string;
  alg: typeof LOCAL_SIGNING_ALG;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Public members only: what a JWKS may publish of an EC key. */
function publicMembers(jwk: JWK): JWK {
  const { kty, crv, x, y } = jwk;
  return { kty, crv, x, y };
}

/**
 * Loads the local signing key, creating it on first use (kept under `.local/`, git-ignored).
 * Several processes may get here at once on a fresh checkout (`npm start`, `npm run token`, test
 * workers): shared/adapters/keys/key-file.ts makes exactly one key win, and every caller returns it.
 */
export async function loadOrCreateSigningKey(file = signingKeyFile): Promise<StoredKey> {
  const existing = readKeyFile<StoredKey>(file);
  if (existing) return existing;
  const { privateKey } = await generateKeyPair(LOCAL_SIGNING_ALG, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  return publishKeyFile(file, { kid: randomUUID(), alg: LOCAL_SIGNING_ALG, privateJwk, publicJwk: publicMembers(privateJwk) });
}

/** The JWKS document served at /.well-known/jwks.json. */
export function jwksFor(key: StoredKey): { keys: JWK[] } {
  return { keys: [{ ...publicMembers(key.publicJwk), kid: key.kid, alg: key.alg, use: 'sig' }] };
}

export interface MintOptions {
  sub: string;
  accountId: string;
  role?: string;
  scope?: string;
  /** Seconds until expiry; negative makes an already-expired token (for tests). */
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
  /** Overrides `iat` (seconds since epoch), e.g. to test the maximum token age. */
  issuedAt?: number;
}

export async function mintToken(key: StoredKey, options: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const ttl = options.ttlSeconds ?? 900;
  // An expired token is issued in the past, so that only `exp` (not a future `iat`) is wrong.
  const iat = options.issuedAt ?? (ttl < 0 ? now + ttl - 60 : now);
  const claims: Record<string, unknown> = { accountId: options.accountId };
  if (options.role !== undefined) claims.role = options.role;
  if (options.scope !== undefined) claims.scope = options.scope;
  const privateKey = await importJWK(key.privateJwk, key.alg);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuer(options.issuer ?? LOCAL_ISSUER)
    .setAudience(options.audience ?? LOCAL_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(now + ttl)
    .setJti(randomUUID())
    .sign(privateKey);
}
