import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Actor } from '../domain/model';
import { DependencyUnavailableError, DomainError, UnauthorizedError } from '../domain/errors';

/**
 * Bearer-token verification: the only place that knows about JWTs, from a generic OIDC issuer or
 * from an Amazon Cognito user pool (`kind`). Every token problem becomes an
 * `UnauthorizedError` whose `reason` is for logs only; a JWKS that cannot be fetched becomes a
 * `DependencyUnavailableError('jwks')`. The token itself never reaches an error or a log.
 */

/** What both issuer kinds share. */
interface CommonVerifierConfig {
  jwksUrl: string;
  /** Compared exactly with `iss`. */
  issuer: string;
  /** Refuse tokens whose `iat` is older than this. */
  maxTokenAgeSeconds: number;
  /** Skew allowed on `exp`, `nbf` and `iat`; default 30. */
  clockToleranceSeconds?: number;
  /** Bound on one JWKS fetch; default 2000. */
  jwksTimeoutMs?: number;
  /** Minimum time between refetches triggered by an unknown `kid`; default 30000. */
  jwksCooldownMs?: number;
  /** How long a fetched JWKS is trusted before it is fetched again; default 600000. */
  jwksCacheMaxAgeMs?: number;
}

/** A generic OpenID Connect issuer: `aud` must name `audience`; `scope` holds our scope names as they are. */
export interface OidcVerifierConfig extends CommonVerifierConfig {
  kind?: 'oidc';
  audience: string;
}

/**
 * An Amazon Cognito user pool, whose ACCESS tokens are accepted: `token_use` must be `access`
 * (an ID token is refused), `client_id` one of `clientIds` (Cognito access tokens carry no `aud`),
 * and only the scopes `<scopePrefix><ours>` count (`customer-deletion/customers:delete` →
 * `customers:delete`); `role` and `accountId` are the claims the pre-token-generation V2 trigger
 * adds (shared/auth/pre-token-generation.ts), so a token without them is refused.
 */
export interface CognitoVerifierConfig extends CommonVerifierConfig {
  kind: 'cognito';
  clientIds: readonly string[];
  /** The resource server's identifier and a slash, e.g. `customer-deletion/`. */
  scopePrefix: string;
}

export type TokenVerifierConfig = OidcVerifierConfig | CognitoVerifierConfig;

export interface TokenVerifier {
  verify(authorizationHeader: string | undefined): Promise<Actor>;
}

/** Refused before any parsing or crypto: the whole `Authorization` value, in UTF-8 bytes. */
export const MAX_TOKEN_BYTES = 8192;

/** Asymmetric algorithms only: a shared-secret (HS*) or unsigned (`none`) token is never accepted. */
export const ALLOWED_ALGORITHMS: readonly string[] = Object.freeze(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA']);

/** Header parameters that would let the token choose its own key or impose extensions: refused outright. */
const FORBIDDEN_HEADER_PARAMETERS: readonly string[] = Object.freeze(['jku', 'jwk', 'x5u', 'x5c', 'crit']);

const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
const DEFAULT_JWKS_TIMEOUT_MS = 2000;
const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
const DEFAULT_JWKS_CACHE_MAX_AGE_MS = 600_000;

const BEARER = /^Bearer +([^ ]+)$/i;
/** A compact JWS: three non-empty base64url segments. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Cognito's app client id pattern (CreateUserPoolClient: `[\w+]+`, at most 128). */
const COGNITO_CLIENT_ID = /^[\w+]{1,128}$/;
/** A resource server identifier (no whitespace, no `"` or `\\`, at most 256) and the slash Cognito puts before the scope name. */
const COGNITO_SCOPE_PREFIX = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}\/$/;

/** A verifier per configuration; build it once per cold start so the JWKS cache outlives a request.
 * `keySet` is a test seam (e.g. `createLocalJWKSet`); by default the JWKS is fetched from `jwksUrl`. */
export function createTokenVerifier(config: TokenVerifierConfig, keySet?: JWTVerifyGetKey): TokenVerifier {
  const options = validateConfig(config);
  const resolveKey = guardKeyResolution(
    keySet ??
      createRemoteJWKSet(new URL(config.jwksUrl), {
        timeoutDuration: options.jwksTimeoutMs,
        cooldownDuration: options.jwksCooldownMs,
        cacheMaxAge: options.jwksCacheMaxAgeMs,
      }),
  );
  const verifyOptions = {
    algorithms: [...ALLOWED_ALGORITHMS],
    issuer: config.issuer,
    maxTokenAge: config.maxTokenAgeSeconds,
    clockTolerance: options.clockToleranceSeconds,
    ...(config.kind === 'cognito'
      ? { requiredClaims: ['exp', 'iat', 'sub', 'token_use'] }
      : { audience: config.audience, requiredClaims: ['exp', 'iat', 'sub'] }),
  };
  const toActor = config.kind === 'cognito' ? cognitoActor(new Set(config.clientIds), config.scopePrefix) : oidcActor;

  return {
    async verify(authorizationHeader) {
      const token = extractToken(authorizationHeader);
      refuseForbiddenHeader(token);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, resolveKey, verifyOptions));
      } catch (error) {
        throw toDomainError(error);
      }
      return toActor(payload);
    },
  };
}

function validateConfig(config: TokenVerifierConfig) {
  let url: URL;
  try {
    url = new URL(config.jwksUrl);
  } catch {
    throw new TypeError('jwksUrl must be an absolute URL');
  }
  // Keys fetched over plain HTTP could be swapped in transit; only the local stack (loopback) may use it.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new TypeError('jwksUrl must use https (plain http is allowed on loopback only)');
  }
  if (!config.issuer) throw new TypeError('issuer must be a non-empty string');
  if (config.kind === 'cognito') {
    if (config.clientIds.length === 0 || config.clientIds.some((id) => !COGNITO_CLIENT_ID.test(id))) {
      throw new TypeError('clientIds must be a non-empty list of app client ids');
    }
    if (!COGNITO_SCOPE_PREFIX.test(config.scopePrefix)) throw new TypeError('scopePrefix must be a resource server identifier followed by "/"');
  } else if (config.kind !== undefined && config.kind !== 'oidc') {
    throw new TypeError('kind must be "oidc" or "cognito"');
  } else if (!config.audience) {
    throw new TypeError('audience must be a non-empty string');
  }
  const options = {
    maxTokenAgeSeconds: config.maxTokenAgeSeconds,
    clockToleranceSeconds: config.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
    jwksTimeoutMs: config.jwksTimeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS,
    jwksCooldownMs: config.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS,
    jwksCacheMaxAgeMs: config.jwksCacheMaxAgeMs ?? DEFAULT_JWKS_CACHE_MAX_AGE_MS,
  };
  if (!Number.isInteger(options.maxTokenAgeSeconds) || options.maxTokenAgeSeconds <= 0) throw new TypeError('maxTokenAgeSeconds must be a positive integer');
  if (!Number.isInteger(options.jwksTimeoutMs) || options.jwksTimeoutMs <= 0) throw new TypeError('jwksTimeoutMs must be a positive integer');
  for (const name of ['clockToleranceSeconds', 'jwksCooldownMs', 'jwksCacheMaxAgeMs'] as const) {
    if (!Number.isInteger(options[name]) || options[name] < 0) throw new TypeError(`${name} must be a non-negative integer`);
  }
  return options;
}

/** `Bearer <token>`: scheme case-insensitive, exactly one compact JWS, size checked first. */
function extractToken(header: string | undefined): string {
  if (header === undefined || header === '') throw new UnauthorizedError('missing');
  // `length` first: a huge value is refused without even scanning it.
  if (header.length > MAX_TOKEN_BYTES || Buffer.byteLength(header, 'utf8') > MAX_TOKEN_BYTES) throw new UnauthorizedError('oversized');
  const token = BEARER.exec(header)?.[1];
  if (token === undefined) throw new UnauthorizedError(/^bearer(?: |$)/i.test(header) ? 'malformed' : 'wrong-scheme');
  if (!COMPACT_JWS.test(token)) throw new UnauthorizedError('malformed');
  return token;
}

/** Checked on the decoded (still unverified) header, before any key is looked up. */
function refuseForbiddenHeader(token: string): void {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    throw new UnauthorizedError('malformed');
  }
  if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.includes(header.alg)) throw new UnauthorizedError('forbidden-alg');
  if (FORBIDDEN_HEADER_PARAMETERS.some((name) => Object.hasOwn(header, name))) throw new UnauthorizedError('forbidden-header');
}

/**
 * Separates the two ways key lookup fails. The token can only cause "no key for this kid/alg"
 * (or an ambiguous one); everything else raised while resolving a key comes from the JWKS itself:
 * jose's `ERR_JWKS_TIMEOUT`, `ERR_JWKS_INVALID` (JSON that is not a key set, or a private key in
 * it), `ERR_JOSE_GENERIC` (non-200 response, body not JSON), fetch's `TypeError('fetch failed')`
 * with the socket error as `cause` (refused, reset, DNS), or a key that will not import.
 */
function guardKeyResolution(keySet: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (protectedHeader, token) => {
    try {
      return await keySet(protectedHeader, token);
    } catch (error) {
      switch (joseCode(error)) {
        case 'ERR_JWKS_NO_MATCHING_KEY':
          throw new UnauthorizedError('unknown-key');
        case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
          throw new UnauthorizedError('ambiguous-key');
        case 'ERR_JOSE_NOT_SUPPORTED': // an alg the key set cannot serve; the allow-list makes this unreachable
          throw new UnauthorizedError('forbidden-alg');
        default:
          throw new DependencyUnavailableError('jwks', { cause: error });
      }
    }
  };
}

function joseCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' && error.code.startsWith('ERR_J') ? error.code : undefined;
}

/** jose's error → ours. No `cause` on 401s: jose's claim errors carry the whole payload. */
function toDomainError(error: unknown): Error {
  if (error instanceof DomainError) return error;
  const code = joseCode(error);
  if (code === undefined) return error instanceof Error ? error : new Error(String(error));
  const { claim, reason } = error as { claim?: string; reason?: string };
  switch (code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new UnauthorizedError('bad-signature');
    case 'ERR_JWT_EXPIRED':
      return new UnauthorizedError(claim === 'iat' ? 'token-too-old' : 'expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (reason === 'missing') return new UnauthorizedError(`missing-${claim ?? 'claim'}`);
      switch (claim) {
        case 'iss':
          return new UnauthorizedError('wrong-issuer');
        case 'aud':
          return new UnauthorizedError('wrong-audience');
        case 'iat':
          return new UnauthorizedError('issued-in-future');
        case 'nbf':
          return new UnauthorizedError('not-yet-valid');
        default:
          return new UnauthorizedError('invalid-claims');
      }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new UnauthorizedError('forbidden-alg');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return new UnauthorizedError('malformed');
    default:
      return new UnauthorizedError('invalid-token');
  }
}

/** Generic OIDC: `role` optional (no role: the authorization policy denies), `scope` verbatim. */
function oidcActor(payload: JWTPayload): Actor {
  const { sub, accountId, role, scope } = payload;
  if (typeof sub !== 'string' || sub === '') throw new UnauthorizedError('missing-sub');
  if (typeof accountId !== 'string' || accountId === '') throw new UnauthorizedError('missing-accountId');
  if (role !== undefined && typeof role !== 'string') throw new UnauthorizedError('invalid-claims');
  return {
    sub,
    accountId,
    // No role: the authorization policy denies it.
    role: role ?? '',
    scopes: new Set(scopeEntries(scope)),
  };
}

/**
 * Cognito: an access token of an allowed app client, with the `role` and `accountId` the
 * pre-token-generation trigger adds (without them the trigger did not run: refused, so a pool
 * whose trigger is missing fails visibly instead of granting nothing quietly). Only scopes of our
 * resource server count, without their prefix; `openid`, `aws.cognito.signin.user.admin` and
 * other resource servers' scopes are dropped.
 */
function cognitoActor(clientIds: ReadonlySet<string>, scopePrefix: string): (payload: JWTPayload) => Actor {
  return (payload) => {
    const { sub, accountId, role, scope, token_use: tokenUse, client_id: clientId } = payload;
    if (tokenUse !== 'access') throw new UnauthorizedError('wrong-token-use');
    if (typeof clientId !== 'string' || !clientIds.has(clientId)) throw new UnauthorizedError('wrong-client');
    if (typeof sub !== 'string' || sub === '') throw new UnauthorizedError('missing-sub');
    if (typeof accountId !== 'string' || accountId === '') throw new UnauthorizedError('missing-accountId');
    if (role === undefined || role === '') throw new UnauthorizedError('missing-role');
    if (typeof role !== 'string') throw new UnauthorizedError('invalid-claims');
    // A scope name cannot contain "/": a remainder with one belongs to a resource server whose identifier extends ours.
    const scopes = scopeEntries(scope)
      .filter((entry) => entry.startsWith(scopePrefix))
      .map((entry) => entry.slice(scopePrefix.length))
      .filter((name) => name !== '' && !name.includes('/'));
    return { sub, accountId, role, scopes: new Set(scopes) };
  };
}

/** `scope`: space-separated; absent is none, anything but a string is refused. */
function scopeEntries(scope: unknown): string[] {
  if (scope === undefined) return [];
  if (typeof scope !== 'string') throw new UnauthorizedError('invalid-claims');
  return scope.split(/\s+/).filter((s) => s !== '');
}
