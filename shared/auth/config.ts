import { requireEnv, requirePositiveIntEnv, type Environment } from '../config/env';
import type { TokenVerifierConfig } from './token-verifier';

/** The value of a `token-verifier` variable the stage's issuer kind does not use: every function
 * with that link gets all seven variables whatever the kind, so the environment never depends on it. */
export const NOT_APPLICABLE = '-';

export type IssuerKind = 'oidc' | 'cognito';
export const ISSUER_KINDS: readonly IssuerKind[] = ['oidc', 'cognito'];

/**
 * The verifier's configuration from the `token-verifier` link's variables; read once at cold
 * start, throws when one is unset or does not fit the kind.
 * - every kind: JWT_ISSUER_KIND, JWKS_URL, JWT_ISSUER, JWT_MAX_TOKEN_AGE_SECONDS;
 * - `oidc`: JWT_AUDIENCE (the exact `aud`); JWT_CLIENT_IDS and JWT_SCOPE_PREFIX are `-`;
 * - `cognito`: JWT_CLIENT_IDS (comma-separated app client ids, checked against `client_id`) and
 *   JWT_SCOPE_PREFIX (`<resource-server>/`); JWT_AUDIENCE is `-` (Cognito access tokens carry no `aud`).
 * A value set for the other kind fails too: it means the stage's configuration is not what it seems.
 */
export function tokenVerifierConfigFromEnv(env: Environment): TokenVerifierConfig {
  const kind = requireEnv(env, 'JWT_ISSUER_KIND');
  const common = {
    jwksUrl: requireEnv(env, 'JWKS_URL'),
    issuer: requireEnv(env, 'JWT_ISSUER'),
    maxTokenAgeSeconds: requirePositiveIntEnv(env, 'JWT_MAX_TOKEN_AGE_SECONDS'),
  };
  switch (kind) {
    case 'oidc':
      requireNotApplicable(env, 'JWT_CLIENT_IDS', kind);
      requireNotApplicable(env, 'JWT_SCOPE_PREFIX', kind);
      return { kind, ...common, audience: requireApplicable(env, 'JWT_AUDIENCE', kind) };
    case 'cognito': {
      requireNotApplicable(env, 'JWT_AUDIENCE', kind);
      const clientIds = requireApplicable(env, 'JWT_CLIENT_IDS', kind).split(',').map((id) => id.trim());
      if (clientIds.some((id) => id === '')) throw new Error('JWT_CLIENT_IDS environment variable must be a comma-separated list of app client ids');
      const scopePrefix = requireApplicable(env, 'JWT_SCOPE_PREFIX', kind);
      if (!scopePrefix.endsWith('/')) throw new Error('JWT_SCOPE_PREFIX environment variable must end with "/" (`<resource-server>/`)');
      return { kind, ...common, clientIds, scopePrefix };
    }
    default:
      throw new Error(`JWT_ISSUER_KIND environment variable must be one of ${ISSUER_KINDS.join(', ')}`);
  }
}

type KindVariable = 'JWT_AUDIENCE' | 'JWT_CLIENT_IDS' | 'JWT_SCOPE_PREFIX';

function requireApplicable(env: Environment, name: KindVariable, kind: IssuerKind): string {
  const value = requireEnv(env, name);
  if (value === NOT_APPLICABLE) throw new Error(`${name} environment variable is required for issuer kind ${kind}`);
  return value;
}

function requireNotApplicable(env: Environment, name: KindVariable, kind: IssuerKind): void {
  if (requireEnv(env, name) !== NOT_APPLICABLE) throw new Error(`${name} environment variable must be "${NOT_APPLICABLE}" for issuer kind ${kind}`);
}
