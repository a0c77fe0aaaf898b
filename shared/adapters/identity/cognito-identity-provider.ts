import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  type CognitoIdentityProviderClientConfig,
} from '@aws-sdk/client-cognito-identity-provider';
import { IdentityProviderError } from '../../domain/cascade-errors';
import { errorName } from '../../domain/safe-error';
import type { IdentityProvider, Login } from '../../workers/ports';
import { traced } from '../../observability/tracer';

/**
 * Attempts per Cognito call, the first included. The SDK's standard retry strategy classes
 * `TooManyRequestsException` (Cognito's throttling answer) as throttling and backs off
 * exponentially with full jitter from a 500 ms base (waits of up to 0.5, 1, 2 and 4 s): five
 * attempts ride out a burst within the consumer's 30 s timeout; after them the step fails this
 * delivery and SQS retries the message later (its redrive policy).
 */
export const COGNITO_MAX_ATTEMPTS = 5;

/** A region-prefixed pool id (`eu-west-1_AbC123`) names the pool's region; the client must talk to that one. */
const REGION_OF_POOL = /^([a-z]{2}(?:-[a-z]+)+-\d)_/;

/** The client the adapter is built with: the deliberate retry configuration, the pool's region when its id names one. */
export function createCognitoClient(userPoolId: string, config: CognitoIdentityProviderClientConfig = {}): CognitoIdentityProviderClient {
  const region = REGION_OF_POOL.exec(userPoolId)?.[1];
  return traced(new CognitoIdentityProviderClient({ ...(region ? { region } : {}), maxAttempts: COGNITO_MAX_ATTEMPTS, retryMode: 'standard', ...config }));
}

type Operation = 'AdminUserGlobalSignOut' | 'AdminDisableUser' | 'AdminEnableUser';

/**
 * The identity provider on an Amazon Cognito user pool. `Username` is the login's id (the token's
 * `sub`). Sign-out first (refresh tokens revoked, so no new access token can be had), then disable
 * (no new sign-in). Both are idempotent at Cognito. `UserNotFoundException` means there is nothing
 * to end: the login is `unknown`. Any other failure, throttling after the SDK's retries included,
 * is an IdentityProviderError naming only Cognito's error code and the operation: SDK messages
 * can quote the username, so they stay in its `cause`.
 */
export class CognitoIdentityProvider implements IdentityProvider {
  constructor(private readonly client: Pick<CognitoIdentityProviderClient, 'send'>, private readonly userPoolId: string) {}

  async signOutAndDisable(login: Login): Promise<'disabled' | 'unknown'> {
    const input = { UserPoolId: this.userPoolId, Username: login.id };
    if ((await this.call('AdminUserGlobalSignOut', () => this.client.send(new AdminUserGlobalSignOutCommand(input)))) === 'unknown') return 'unknown';
    if ((await this.call('AdminDisableUser', () => this.client.send(new AdminDisableUserCommand(input)))) === 'unknown') return 'unknown';
    return 'disabled';
  }

  async enable(login: Login): Promise<'enabled' | 'unknown'> {
    const input = { UserPoolId: this.userPoolId, Username: login.id };
    return (await this.call('AdminEnableUser', () => this.client.send(new AdminEnableUserCommand(input)))) === 'unknown' ? 'unknown' : 'enabled';
  }

  private async call(operation: Operation, send: () => Promise<unknown>): Promise<'done' | 'unknown'> {
    try {
      await send();
      return 'done';
    } catch (error) {
      const code = errorName(error) ?? 'UnknownError';
      if (code === 'UserNotFoundException') return 'unknown';
      throw new IdentityProviderError(`Cognito ${code} on ${operation}`, { cause: error });
    }
  }
}
