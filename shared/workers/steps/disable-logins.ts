import { DynamoDbLoginDirectory } from '../../adapters/dynamodb/login-directory';
import { CognitoIdentityProvider, createCognitoClient } from '../../adapters/identity/cognito-identity-provider';
import { LocalIdentityProvider } from '../../adapters/identity/local-identity-provider';
import { chooseAdapter, type Environment } from '../../config/env';
import { mapWithConcurrency } from '../concurrency';
import type { IdentityProvider, LoginDirectory } from '../ports';
import type { WorkCounts } from '../cascade-consumer';
import { createStepConsumer, stepHandlerFromEnv, type StepConsumerPorts } from '../step-consumer';

/** Logins handled at once: enough to hide latency, few enough to stay inside the provider's admin API rate. */
const LOGINS_IN_FLIGHT = 4;

/**
 * Step `identity`: ends the subject's access at the identity provider. A customer: every login of
 * it, whatever its status in the table (a hard delete has erased them there, but they must still be
 * disabled at the provider); a user: that login. For each, its sessions end at the provider, then
 * it is disabled. A login the provider does not know counts as done. Idempotent, so a re-run after
 * a timeout or a failure (the whole event is retried) does nothing twice that matters. On
 * `customer.restored` it does the reverse: the customer's logins still ACTIVE in the table are
 * enabled again (a login the provider does not know counts as done).
 */
export function createDisableLoginsHandler(ports: StepConsumerPorts & { identity: IdentityProvider; logins: LoginDirectory }) {
  return createStepConsumer('identity', ports, async (event, context): Promise<WorkCounts> => {
    const { subject } = event;
    if (event.eventType === 'customer.restored') {
      // A restore: the logins the deletion disabled are enabled again; a login deleted on its own (v2) stays disabled.
      const active = await ports.logins.activeLoginIdsOf(subject.customerId);
      const enabled = await mapWithConcurrency(active, LOGINS_IN_FLIGHT, (id) => ports.identity.enable({ id, customerId: subject.customerId }));
      const count = enabled.filter((o) => o === 'enabled').length;
      return { count, enabled: count, unknown: enabled.filter((o) => o === 'unknown').length };
    }
    const ids = subject.type === 'user' ? [subject.userId] : await ports.logins.loginIdsOf(subject.customerId);
    const outcomes = await mapWithConcurrency(ids, LOGINS_IN_FLIGHT, (id) => ports.identity.signOutAndDisable({ id, customerId: subject.customerId }, context));
    const count = outcomes.filter((o) => o === 'disabled').length;
    return { count, disabled: count, unknown: outcomes.filter((o) => o === 'unknown').length };
  });
}

/** IDENTITY_PROVIDER selects the adapter: `cognito:<userPoolId>` in AWS, `local:<file>` (the local token issuer's record) in the local stack. */
export function createIdentityProvider(env: Environment): IdentityProvider {
  return chooseAdapter<IdentityProvider>(env, 'IDENTITY_PROVIDER', {
    cognito: { argument: 'userPoolId', build: (userPoolId) => new CognitoIdentityProvider(createCognitoClient(userPoolId), userPoolId) },
    local: { argument: 'file', build: (file) => new LocalIdentityProvider(file) },
  });
}

export function disableLoginsFromEnv(env: Environment) {
  return stepHandlerFromEnv('identity', env, createDisableLoginsHandler, (table) => ({
    identity: createIdentityProvider(env),
    logins: new DynamoDbLoginDirectory(table.doc, table.tableName),
  }));
}
