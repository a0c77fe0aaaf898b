import { tableFromEnv } from '../../adapters/dynamodb/client';
import { TableVpnSessionGateway } from '../../adapters/vpn/table-session-gateway';
import type { Environment } from '../../config/env';
import type { VpnSessionGateway } from '../ports';
import { createStepConsumer, tableStepPorts, type StepConsumerPorts } from '../step-consumer';
import { workerHandler } from '../worker-handler';

/** Step `sessions`: every ACTIVE VPN session of the deleted subject is ended through the VPN session gateway port. */
export function createEndSessionsHandler(ports: StepConsumerPorts & { sessions: VpnSessionGateway }) {
  return createStepConsumer('sessions', ports, (event, context) => ports.sessions.terminateActiveSessions(event.subject, context));
}

export function endSessionsFromEnv(env: Environment) {
  const table = tableFromEnv(env);
  return workerHandler(createEndSessionsHandler({ ...tableStepPorts(table, 'sessions'), sessions: new TableVpnSessionGateway(table.doc, table.tableName) }));
}
