import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { OPERATOR_SCOPES } from '../domain/operator-scopes';
import { logger } from '../observability/logger';

/**
 * Amazon Cognito's pre-token-generation trigger, event version V2_0 (SPEC "Cognito as the issuer"):
 * copies the user's `custom:role` and `custom:accountId` attributes into the ACCESS token (and the
 * ID token) as the `role` and `accountId` claims the token verifier requires of a Cognito issuer.
 * Only the user's own attributes count, never `clientMetadata` (the caller chooses that); the app
 * clients must not be allowed to write these two attributes (README, "Cognito as the issuer").
 * A user without one of them still gets tokens (other apps may share the pool), without that
 * claim: this API then refuses them (`missing-role` / `missing-accountId`).
 *
 * Cognito grants an access token the scopes its app client allows, the same for every user. A user
 * with `custom:scopes` (this API's scopes, space-separated, without the resource-server prefix) gets
 * only those of this API's scopes: the others requested are suppressed from the access token. The
 * trigger has no resource-server id (it reads only its event), so a scope counts as this API's by its
 * name after the prefix: another resource server's scope of the same name is limited too (never
 * widened). Other scopes, and users without the attribute, are left as Cognito grants them.
 */

/** The user pool attributes the claims come from (custom attributes are `custom:`-prefixed in events). */
export const ROLE_ATTRIBUTE = 'custom:role';
export const ACCOUNT_ID_ATTRIBUTE = 'custom:accountId';
const SCOPES_ATTRIBUTE = 'custom:scopes';
const CLAIM_SOURCES = [
  ['role', ROLE_ATTRIBUTE],
  ['accountId', ACCOUNT_ID_ATTRIBUTE],
] as const;

/** What the trigger logs through: ids and outcomes only, never a user name (it may be an address) or a token. */
export interface TriggerLog {
  warn(message: string, fields: Record<string, unknown>): void;
}

const sharedLog: TriggerLog = { warn: (message, fields) => logger.warn(message, fields) };

export type PreTokenGenerationHandler = (event: PreTokenGenerationV2TriggerEvent) => Promise<PreTokenGenerationV2TriggerEvent>;

export function createPreTokenGenerationHandler(log: TriggerLog = sharedLog): PreTokenGenerationHandler {
  return async (event) => {
    const attributes = event.request.userAttributes ?? {};
    const claims: Record<string, string> = {};
    const missing: string[] = [];
    for (const [claim, attribute] of CLAIM_SOURCES) {
      const value = attributes[attribute];
      if (typeof value === 'string' && value !== '') claims[claim] = value;
      else missing.push(attribute);
    }
    if (missing.length > 0) {
      log.warn('token issued without the claims this API requires', {
        triggerSource: event.triggerSource,
        userPoolId: event.userPoolId,
        clientId: event.callerContext?.clientId,
        sub: attributes.sub,
        missing,
      });
    }

    const suppress = scopesBeyondGrant(event.request.scopes ?? [], attributes[SCOPES_ATTRIBUTE]);

    // Cognito sends `claimsAndScopeOverrideDetails: null`; groups are left as they are.
    const current = event.response.claimsAndScopeOverrideDetails ?? {};
    const accessToken = current.accessTokenGeneration;
    event.response.claimsAndScopeOverrideDetails = {
      ...current,
      idTokenGeneration: { ...current.idTokenGeneration, claimsToAddOrOverride: { ...current.idTokenGeneration?.claimsToAddOrOverride, ...claims } },
      accessTokenGeneration: {
        ...accessToken,
        claimsToAddOrOverride: { ...accessToken?.claimsToAddOrOverride, ...claims },
        ...(suppress.length > 0 ? { scopesToSuppress: [...(accessToken?.scopesToSuppress ?? []), ...suppress] } : {}),
      },
    };
    return event;
  };
}

/**
 * The requested scopes named like this API's (`<resource server>/<operator scope>`) that the user's `custom:scopes`
 * does not grant; none when the user has no such attribute (the app client's grant stands).
 */
function scopesBeyondGrant(requested: readonly string[], granted: string | undefined): string[] {
  if (granted === undefined) return [];
  const allowed = new Set(granted.split(/\s+/).filter((scope) => scope !== ''));
  return requested.filter((scope) => {
    const slash = scope.lastIndexOf('/');
    const own = scope.slice(slash + 1);
    return slash > 0 && OPERATOR_SCOPES.includes(own) && !allowed.has(own);
  });
}
