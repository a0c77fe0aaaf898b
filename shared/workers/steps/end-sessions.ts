import { TableVpnSessionGateway } from '../../adapters/vpn/table-session-gateway';
import type { Environment } from '../../config/env';
import type { VpnSessionGateway } from '../ports';
import { counted } from '../cascade-consumer';
import { workBudgetMs } from './budget';
import { createStepConsumer, stepHandlerFromEnv, type StepConsumerPorts } from '../step-consumer';

/** Step `sessions`: every ACTIVE VPN session of the deleted subject is ended through the VPN session gateway port. */
export function createEndSessionsHandler(ports: StepConsumerPorts & { sessions: VpnSessionGateway }) {
  return createStepConsumer('sessions', ports, async (event, context) => counted('terminated', (await ports.sessions.terminateActiveSessions(event.subject, context)).terminated));
}

export function endSessionsFromEnv(env: Environment) {
  return stepHandlerFromEnv('sessions', env, createEndSessionsHandler, (table) => ({ sessions: new TableVpnSessionGateway(table.doc, table.tableName, { budgetMs: workBudgetMs('sessions') }) }));
}
