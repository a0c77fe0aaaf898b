import { DynamoDbLoginEraser } from '../../adapters/dynamodb/cascade-store';
import type { Environment } from '../../config/env';
import type { LoginEraser } from '../ports';
import { counted } from '../cascade-consumer';
import { workBudgetMs } from './budget';
import { createStepConsumer, stepHandlerFromEnv, type StepConsumerPorts } from '../step-consumer';

/**
 * Step `erasure`: the personal fields of every login of a hard-deleted customer that its deletion
 * transaction had no room for. Its own step, so a failed erasure shows as such in the request. Within
 * its time budget; a retry erases only the logins still ACTIVE.
 */
export function createEraseLoginsHandler(ports: StepConsumerPorts & { logins: LoginEraser }) {
  return createStepConsumer('erasure', ports, async (event, context) => {
    if (event.subject.type !== 'customer') return counted('erased', 0);
    return counted('erased', (await ports.logins.eraseRemaining(event.subject.customerId, context)).erased);
  });
}

export function eraseLoginsFromEnv(env: Environment) {
  return stepHandlerFromEnv('erasure', env, createEraseLoginsHandler, (table) => ({ logins: new DynamoDbLoginEraser(table.doc, table.tableName, { budgetMs: workBudgetMs('erasure') }) }));
}
