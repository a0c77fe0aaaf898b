import { requireEnv, requirePositiveIntEnv, type Environment } from '../config/env';
import type { TokenVerifierConfig } from './token-verifier';

/** The verifier's configuration from the `token-verifier` link's variables (JWKS_URL, JWT_ISSUER,
 * JWT_AUDIENCE, JWT_MAX_TOKEN_AGE_SECONDS); read once at cold start, throws when one is unset. */
export function tokenVerifierConfigFromEnv(env: Environment): TokenVerifierConfig {
  return {
    jwksUrl: requireEnv(env, 'JWKS_URL'),
    issuer: requireEnv(env, 'JWT_ISSUER'),
    audience: requireEnv(env, 'JWT_AUDIENCE'),
    maxTokenAgeSeconds: requirePositiveIntEnv(env, 'JWT_MAX_TOKEN_AGE_SECONDS'),
  };
}
