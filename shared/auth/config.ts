import { requireEnv, requirePositiveIntEnv } from '../config/env';
import type { TokenVerifierConfig } from './token-verifier';

/** The verifier's configuration from the catalog's auth variables (JWKS_URL, JWT_ISSUER,
 * JWT_AUDIENCE, JWT_MAX_TOKEN_AGE_SECONDS); read once at cold start, throws when one is unset. */
export function tokenVerifierConfigFromEnv(): TokenVerifierConfig {
  return {
    jwksUrl: requireEnv('JWKS_URL'),
    issuer: requireEnv('JWT_ISSUER'),
    audience: requireEnv('JWT_AUDIENCE'),
    maxTokenAgeSeconds: requirePositiveIntEnv('JWT_MAX_TOKEN_AGE_SECONDS'),
  };
}
