import { NOT_APPLICABLE } from '../../shared/auth/config';
import { OPERATOR_SCOPES } from '../../shared/domain/operator-scopes';
import type { TOKEN_VERIFIER_VARIABLES } from '../catalog';

/** The operator scopes as a stage's issuer names them: a Cognito pool's carry its resource server's prefix. */
export function issuerScopes(auth: AuthConfig): string[] {
  return auth.kind === 'cognito' ? OPERATOR_SCOPES.map((scope) => `${auth.resourceServer}/${scope}`) : [...OPERATOR_SCOPES];
}

/**
 * A stage's bearer-token issuer (SPEC "Cognito as the issuer"), and the `token-verifier` link's
 * variables it becomes. Two kinds:
 * - `oidc`: any OpenID Connect issuer, named by its JWKS URL, `iss` and the exact `aud` it puts in
 *   tokens for this API (the local stack's issuer is one).
 * - `cognito`: an Amazon Cognito user pool, named by its id and region (its issuer and JWKS URL are
 *   derived). Its ACCESS tokens are accepted: `client_id` must be one of `clientIds`, scopes are
 *   `<resourceServer>/<ours>`, and `role`/`accountId` come from the pre-token-generation V2 trigger.
 *   The pool is not created by this app (a stage names an existing one); with
 *   `preTokenGenerationTrigger` the app deploys the trigger function and lets the pool invoke it,
 *   and the pool's administrator attaches it (README, "Cognito as the issuer").
 */
export type AuthConfig = OidcAuthConfig | CognitoAuthConfig;

export interface OidcAuthConfig {
  kind: 'oidc';
  jwksUrl: string;
  issuer: string;
  audience: string;
  maxTokenAgeSeconds: number;
}

export interface CognitoAuthConfig {
  kind: 'cognito';
  /** `<region>_<id>`, e.g. `eu-west-1_AbCdEf123`. */
  userPoolId: string;
  region: string;
  /** The app clients whose access tokens this API accepts (their `client_id`). */
  clientIds: readonly string[];
  /** The identifier of the pool's resource server for this API: its scopes are `<resourceServer>/customers:delete`, ... */
  resourceServer: string;
  maxTokenAgeSeconds: number;
  /** Deploy the pre-token-generation V2 trigger function (and Cognito's permission to invoke it). */
  preTokenGenerationTrigger: boolean;
}

export type TokenVerifierVariable = (typeof TOKEN_VERIFIER_VARIABLES)[number];

/** The `iss` of a user pool's tokens. */
export function cognitoIssuer(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/** Where a user pool publishes its signing keys. */
export function cognitoJwksUrl(region: string, userPoolId: string): string {
  return `${cognitoIssuer(region, userPoolId)}/.well-known/jwks.json`;
}

/** The `token-verifier` variables for a stage's issuer: all seven for either kind, `-` where the kind has no use for one. */
export function tokenVerifierVariables(auth: AuthConfig): Record<TokenVerifierVariable, string> {
  const maxAge = String(auth.maxTokenAgeSeconds);
  if (auth.kind === 'cognito') {
    return {
      JWT_ISSUER_KIND: 'cognito',
      JWKS_URL: cognitoJwksUrl(auth.region, auth.userPoolId),
      JWT_ISSUER: cognitoIssuer(auth.region, auth.userPoolId),
      JWT_AUDIENCE: NOT_APPLICABLE,
      JWT_CLIENT_IDS: auth.clientIds.join(','),
      JWT_SCOPE_PREFIX: `${auth.resourceServer}/`,
      JWT_MAX_TOKEN_AGE_SECONDS: maxAge,
    };
  }
  return {
    JWT_ISSUER_KIND: 'oidc',
    JWKS_URL: auth.jwksUrl,
    JWT_ISSUER: auth.issuer,
    JWT_AUDIENCE: auth.audience,
    JWT_CLIENT_IDS: NOT_APPLICABLE,
    JWT_SCOPE_PREFIX: NOT_APPLICABLE,
    JWT_MAX_TOKEN_AGE_SECONDS: maxAge,
  };
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** CreateUserPoolClient's client id: `[\w+]+`. */
const CLIENT_ID = /^[\w+]{1,128}$/;
/** CreateResourceServer's identifier: printable ASCII without space, `"` or `\`. */
const RESOURCE_SERVER = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;

/** What is wrong with a stage's `auth`, as `auth.<field> ...` sentences; none when it is sound. */
export function authConfigProblems(auth: AuthConfig): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(auth.maxTokenAgeSeconds) || auth.maxTokenAgeSeconds <= 0) problems.push('auth.maxTokenAgeSeconds must be a positive integer');
  switch (auth.kind) {
    case 'oidc':
      if (!/^https:\/\//.test(auth.jwksUrl)) problems.push('auth.jwksUrl must be an https URL');
      if (auth.issuer === '') problems.push('auth.issuer is empty');
      if (auth.audience === '' || auth.audience === NOT_APPLICABLE) problems.push('auth.audience is empty');
      break;
    case 'cognito': {
      if (!REGION.test(auth.region)) problems.push('auth.region must be an AWS region name');
      const [poolRegion, poolSuffix] = auth.userPoolId.split('_');
      if (poolRegion !== auth.region || poolSuffix === undefined || !/^[0-9a-zA-Z]+$/.test(poolSuffix)) {
        problems.push('auth.userPoolId must be a user pool id of auth.region (<region>_<id>)');
      }
      if (auth.clientIds.length === 0 || !auth.clientIds.every((id) => CLIENT_ID.test(id))) problems.push('auth.clientIds must list at least one app client id');
      if (!RESOURCE_SERVER.test(auth.resourceServer)) problems.push('auth.resourceServer must be a resource server identifier');
      break;
    }
    default:
      problems.push('auth.kind must be oidc or cognito');
  }
  return problems;
}
