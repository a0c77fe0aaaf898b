import { requireEnv, requirePositiveIntEnv } from './env';

/** What every API function reads from its environment, once per cold start. */
export function apiConfigFromEnv() {
  return {
    tableName: requireEnv('TABLE_NAME'),
    auth: {
      jwksUrl: requireEnv('JWKS_URL'),
      issuer: requireEnv('JWT_ISSUER'),
      audience: requireEnv('JWT_AUDIENCE'),
      maxTokenAgeSeconds: requirePositiveIntEnv('JWT_MAX_TOKEN_AGE_SECONDS'),
    },
  };
}
