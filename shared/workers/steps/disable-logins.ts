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
interface LoginCheckpoint {
  done(context: WorkContext): Promise<ReadonlySet<string>>;
  add(context: WorkContext, loginIds: readonly string[]): Promise<void>;
}

/**
 * Step `identity`: ends the subject's access at the identity provider. A customer: every login of
 * it, whatever its status in the table (a hard delete has erased them there, but they must still be
 * disabled at the provider); a user: that login. For each, its sessions end at the provider, then
 * it is disabled. A login the provider does not know counts as done. On `customer.restored` it does
 * the reverse: the customer's logins still ACTIVE in the table are enabled again (a login the
 * provider does not know counts as done).
 *
 * Both directions run through `inCheckpointedChunks`: the logins done are checkpointed every
 * LOGINS_PER_CHECKPOINT; a run stops starting logins when its time budget is spent (failing the
 * attempt, so SQS retries it), and a retry skips what the checkpoint names. The checkpoint is kept
 * per event, so a restore never skips a login because the deletion before it disabled that login.
 * The provider's calls are idempotent too, so the few a cut-short run did after its last checkpoint
 * do no harm when done again.
 */
export function createDisableLoginsHandler(ports: StepConsumerPorts & { identity: IdentityProvider; logins: LoginDirectory; checkpoint?: LoginCheckpoint; budget?: WorkBudget }) {
  return createStepConsumer('identity', ports, async (event, context): Promise<WorkCounts> => {
    const { subject } = event;
    const deadline = deadlineOf(ports.budget);
    if (event.eventType === 'customer.restored') {
      // A restore: the logins the deletion disabled are enabled again; a login deleted on its own (v2) stays disabled.
      const active = await ports.logins.activeLoginIdsOf(subject.customerId);
      const run = await inCheckpointedChunks(active, context, ports.checkpoint, deadline, (id) => ports.identity.enable({ id, customerId: subject.customerId }));
      const enabled = run.outcomes.filter((o) => o === 'enabled').length;
      return { count: enabled + run.resumed, enabled, unknown: run.outcomes.filter((o) => o === 'unknown').length, resumed: run.resumed };
    }
    const ids = subject.type === 'user' ? [subject.userId] : await ports.logins.loginIdsOf(subject.customerId);
    const run = await inCheckpointedChunks(ids, context, ports.checkpoint, deadline, (id) => ports.identity.signOutAndDisable({ id, customerId: subject.customerId }, context));
    const disabled = run.outcomes.filter((o) => o === 'disabled').length;
    // The step's count: every login done for this event, by this run or an earlier one.
    return { count: disabled + run.resumed, disabled, unknown: run.outcomes.filter((o) => o === 'unknown').length, resumed: run.resumed };
  });
}

/**
 * Does `act` for each login the checkpoint does not already name, LOGINS_PER_CHECKPOINT at a time,
 * adding each finished chunk to the checkpoint; before each chunk, a spent budget ends the run with
 * WorkIncompleteError (the attempt fails, SQS retries it, and the retry starts after the last
 * checkpointed chunk). Returns this run's outcomes and how many logins earlier runs had finished.
 */
async function inCheckpointedChunks<O>(
  ids: readonly string[],
  context: WorkContext,
  checkpoint: LoginCheckpoint | undefined,
  deadline: { spent: () => boolean },
  act: (id: string) => Promise<O>,
): Promise<{ outcomes: O[]; resumed: number }> {
  const done = (await checkpoint?.done(context)) ?? new Set<string>();
  const todo = ids.filter((id) => !done.has(id));
  const outcomes: O[] = [];
  for (let i = 0; i < todo.length; i += LOGINS_PER_CHECKPOINT) {
    if (deadline.spent()) throw new WorkIncompleteError(`Time budget spent with ${todo.length - i} of ${ids.length} logins left; retried`);
    const chunk = todo.slice(i, i + LOGINS_PER_CHECKPOINT);
    outcomes.push(...(await mapWithConcurrency(chunk, LOGINS_IN_FLIGHT, act)));
    await checkpoint?.add(context, chunk);
  }
  return { outcomes, resumed: ids.length - todo.length };
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
