import { deadlineOf, DynamoDbStepCheckpoint, WorkIncompleteError, type WorkBudget } from '../../adapters/dynamodb/cascade-store';
import { DynamoDbLoginDirectory } from '../../adapters/dynamodb/login-directory';
import { CognitoIdentityProvider, createCognitoClient } from '../../adapters/identity/cognito-identity-provider';
import { LocalIdentityProvider } from '../../adapters/identity/local-identity-provider';
import { chooseAdapter, type Environment } from '../../config/env';
import { mapWithConcurrency } from '../concurrency';
import type { IdentityProvider, LoginDirectory, WorkContext } from '../ports';
import type { WorkCounts } from '../cascade-consumer';
import { createStepConsumer, stepHandlerFromEnv, type StepConsumerPorts } from '../step-consumer';
import { workBudgetMs } from './budget';

/** Logins handled at once: enough to hide latency, few enough to stay inside the provider's admin API rate. */
const LOGINS_IN_FLIGHT = 4;
/** Logins disabled between two checkpoints: a run cut short redoes at most this many. */
const LOGINS_PER_CHECKPOINT = 40;

/** What this event's runs have finished: the logins done at the provider (DynamoDbStepCheckpoint). */
export interface LoginCheckpoint {
  done(context: WorkContext): Promise<ReadonlySet<string>>;
  add(context: WorkContext, loginIds: readonly string[]): Promise<void>;
}

/**
 * Step `identity`: ends the subject's access at the identity provider. A customer: every login of
 * it, whatever its status in the table (a hard delete has erased them there, but they must still be
 * disabled at the provider); a user: that login. For each, its sessions end at the provider, then
 * it is disabled. A login the provider does not know counts as done. The logins done are
 * checkpointed every LOGINS_PER_CHECKPOINT; a run stops starting logins when its time budget is
 * spent (failing the attempt, so SQS retries it), and a retry skips what the checkpoint names. The
 * provider's calls are idempotent too, so the few a cut-short run did after its last checkpoint do
 * no harm when done again. On
 * `customer.restored` it does the reverse: the customer's logins still ACTIVE in the table are
 * enabled again (a login the provider does not know counts as done).
 */
export function createDisableLoginsHandler(ports: StepConsumerPorts & { identity: IdentityProvider; logins: LoginDirectory; checkpoint?: LoginCheckpoint; budget?: WorkBudget }) {
  return createStepConsumer('identity', ports, async (event, context): Promise<WorkCounts> => {
    const { subject } = event;
    if (event.eventType === 'customer.restored') {
      // A restore: the logins the deletion disabled are enabled again; a login deleted on its own (v2) stays disabled.
      const active = await ports.logins.activeLoginIdsOf(subject.customerId);
      const enabled = await mapWithConcurrency(active, LOGINS_IN_FLIGHT, (id) => ports.identity.enable({ id, customerId: subject.customerId }));
      const count = enabled.filter((o) => o === 'enabled').length;
      return { count, enabled: count, unknown: enabled.filter((o) => o === 'unknown').length };
    }
    const deadline = deadlineOf(ports.budget);
    const ids = subject.type === 'user' ? [subject.userId] : await ports.logins.loginIdsOf(subject.customerId);
    const done = (await ports.checkpoint?.done(context)) ?? new Set<string>();
    const todo = ids.filter((id) => !done.has(id));
    let disabled = 0;
    let unknown = 0;
    for (let i = 0; i < todo.length; i += LOGINS_PER_CHECKPOINT) {
      if (deadline.spent()) throw new WorkIncompleteError(`Time budget spent with ${todo.length - i} of ${ids.length} logins left; retried`);
      const chunk = todo.slice(i, i + LOGINS_PER_CHECKPOINT);
      const outcomes = await mapWithConcurrency(chunk, LOGINS_IN_FLIGHT, (id) => ports.identity.signOutAndDisable({ id, customerId: subject.customerId }, context));
      await ports.checkpoint?.add(context, chunk);
      disabled += outcomes.filter((o) => o === 'disabled').length;
      unknown += outcomes.filter((o) => o === 'unknown').length;
    }
    // The step's count: every login done for this event, by this run or an earlier one.
    const count = disabled + (ids.length - todo.length);
    return { count, disabled, unknown, resumed: ids.length - todo.length };
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
    checkpoint: new DynamoDbStepCheckpoint(table.doc, table.tableName, 'identity'),
    budget: { budgetMs: workBudgetMs('identity') },
  }));
}
