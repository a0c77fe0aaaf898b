import { UnauthorizedError } from '../../../shared/domain/errors';
import { createHmac, randomUUID, webcrypto } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { CognitoVerifierConfig, OidcVerifierConfig } from '../../../shared/auth/token-verifier';

/**
 * Builds JWTs for the verifier's tests. Tokens are assembled by hand (header, payload, signature
 * segments) so a test can put anything in any of them: forbidden headers, missing claims, a
 * signature from the wrong key or none at all. All values here are fake.
 */

export const TEST_ISSUER = 'https://issuer.test.invalid';
export const TEST_AUDIENCE = 'customer-deletion-api-test';
export const TEST_JWKS_URL = 'https://issuer.test.invalid/.well-known/jwks.json';
export const TEST_MAX_TOKEN_AGE_SECONDS = 3600;
export const TEST_CLOCK_TOLERANCE_SECONDS = 30;

export function testVerifierConfig(overrides: Partial<OidcVerifierConfig> = {}): OidcVerifierConfig {
  return {
    jwksUrl: TEST_JWKS_URL,
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    maxTokenAgeSeconds: TEST_MAX_TOKEN_AGE_SECONDS,
    clockToleranceSeconds: TEST_CLOCK_TOLERANCE_SECONDS,
    ...overrides,
  };
}

/* A Cognito user pool, as a stage names it (all fake). */
export const COGNITO_REGION = 'eu-west-1';
export const COGNITO_POOL_ID = 'eu-west-1_TeStPoOl1';
export const COGNITO_ISSUER = `https://cognito-idp.${COGNITO_REGION}.amazonaws.com/${COGNITO_POOL_ID}`;
export const COGNITO_CLIENT_ID = '1example23456789abcdefghij';
export const COGNITO_OTHER_CLIENT_ID = '7other8client9idklmnopqrst';
export const COGNITO_RESOURCE_SERVER = 'customer-deletion';

export function testCognitoConfig(overrides: Partial<CognitoVerifierConfig> = {}): CognitoVerifierConfig {
  return {
    kind: 'cognito',
    jwksUrl: `${COGNITO_ISSUER}/.well-known/jwks.json`,
    issuer: COGNITO_ISSUER,
    clientIds: [COGNITO_CLIENT_ID, COGNITO_OTHER_CLIENT_ID],
    scopePrefix: `${COGNITO_RESOURCE_SERVER}/`,
    maxTokenAgeSeconds: TEST_MAX_TOKEN_AGE_SECONDS,
    clockToleranceSeconds: TEST_CLOCK_TOLERANCE_SECONDS,
    ...overrides,
  };
}

/**
 * The claims of a Cognito user pool ACCESS token after the pre-token-generation V2 trigger added
 * `role` and `accountId`: no `aud`, `client_id` and `token_use: "access"`, scopes prefixed with the
 * resource server, Cognito's own claims (`username`, `cognito:groups`, `origin_jti`, `event_id`,
 * `version`). `undefined` in `overrides` removes a claim.
 */
export function cognitoAccessClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  const claims: Record<string, unknown> = {
    sub: 'a1b2c3d4-0000-4000-8000-000000000001',
    'cognito:groups': ['resellers'],
    iss: COGNITO_ISSUER,
    version: 2,
    client_id: COGNITO_CLIENT_ID,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: 'access',
    scope: `openid email ${COGNITO_RESOURCE_SERVER}/customers:delete ${COGNITO_RESOURCE_SERVER}/users:delete`,
    auth_time: now,
    exp: now + 900,
    iat: now,
    jti: randomUUID(),
    username: 'a1b2c3d4-0000-4000-8000-000000000001',
    role: 'RESALE',
    accountId: 'reseller-7',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

/** The claims of the ID token Cognito issues beside it: `aud` is the app client, `token_use: "id"`, no scope. */
export function cognitoIdClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const access = cognitoAccessClaims();
  return cognitoAccessClaims({
    scope: undefined,
    client_id: undefined,
    username: undefined,
    version: undefined,
    aud: access.client_id,
    'cognito:username': access.username,
    email_verified: true,
    token_use: 'id',
    ...overrides,
  });
}

/** Cognito's JWT header: `kid` and `alg`, no `typ`. */
export const COGNITO_HEADER = { typ: undefined };

export type TestAlg = 'ES256' | 'RS256';

export interface TestKey {
  alg: TestAlg;
  kid: string;
  privateKey: CryptoKey;
  /** Public members plus kid, alg and use: what a JWKS publishes. */
  publicJwk: JWK;
  /** SubjectPublicKeyInfo PEM: the bytes an HS256 key-confusion attack would use as the secret. */
  publicPem: string;
}

export async function createTestKey(alg: TestAlg, kid: string = randomUUID()): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

export function jwksOf(...keys: TestKey[]): { keys: JWK[] } {
  return { keys: keys.map((key) => key.publicJwk) };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Claims that pass every check; `undefined` in `overrides` removes a claim. */
export function validClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  const claims: Record<string, unknown> = {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    sub: 'user-0001',
    accountId: 'account-0001',
    role: 'ADMIN',
    scope: 'customers:delete users:delete',
    iat: now,
    exp: now + 900,
    jti: randomUUID(),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

export const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const SIGNING_PARAMS: Record<TestAlg, webcrypto.AlgorithmIdentifier | webcrypto.EcdsaParams> = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
};

export interface SignOptions {
  claims?: Record<string, unknown>;
  /** Merged over `{ alg, kid, typ: 'JWT' }`; `undefined` removes a parameter. */
  header?: Record<string, unknown>;
}

/** A compact JWS signed by `key` over exactly the header and claims given. */
export async function signToken(key: TestKey, options: SignOptions = {}): Promise<string> {
  const header = Object.fromEntries(
    Object.entries({ alg: key.alg, kid: key.kid, typ: 'JWT', ...options.header }).filter(([, value]) => value !== undefined),
  );
  const signingInput = `${segment(header)}.${segment(options.claims ?? validClaims())}`;
  const signature = await webcrypto.subtle.sign(SIGNING_PARAMS[key.alg], privateKeyOf(key), Buffer.from(signingInput));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

/** HS256 with public key material as the HMAC secret: the classic algorithm-confusion forgery. */
export function hmacForgery(secret: string, kid: string, claims: Record<string, unknown> = validClaims()): string {
  const signingInput = `${segment({ alg: 'HS256', kid, typ: 'JWT' })}.${segment(claims)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

/** `alg: none`, as an attacker would send it. */
export function unsignedToken(claims: Record<string, unknown> = validClaims(), signature = ''): string {
  return `${segment({ alg: 'none', typ: 'JWT' })}.${segment(claims)}.${signature}`;
}

/** Keeps the header and signature of `token`, swaps in other claims. */
export function withClaims(token: string, claims: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${segment(claims)}.${signature}`;
}

export const bearer = (token: string): string => `Bearer ${token}`;

/** jose's `CryptoKey` type is structural; at runtime it is the platform's WebCrypto key. */
function privateKeyOf(key: TestKey): webcrypto.CryptoKey {
  return key.privateKey as unknown as webcrypto.CryptoKey;
}

/** Resolves to the UnauthorizedError `act` threw, or fails the test. */
export async function expectUnauthorized(act: Promise<unknown>, reason: string): Promise<UnauthorizedError> {
  const error: unknown = await act.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  expect((error as UnauthorizedError).reason).toBe(reason);
  return error as UnauthorizedError;
}
