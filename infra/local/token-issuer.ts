import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
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
 * workers): the key is written to a private temporary file and published with link(), which
 * fails if the file exists, so exactly one key wins and every caller returns that one.
 */
export async function loadOrCreateSigningKey(file = signingKeyFile): Promise<StoredKey> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  const { privateKey } = await generateKeyPair(LOCAL_SIGNING_ALG, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const stored: StoredKey = { kid: randomUUID(), alg: LOCAL_SIGNING_ALG, privateJwk, publicJwk: publicMembers(privateJwk) };
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temporary, JSON.stringify(stored, null, 2), { mode: 0o600 });
  try {
    linkSync(temporary, file);
    return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  } finally {
    rmSync(temporary, { force: true });
  }
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
