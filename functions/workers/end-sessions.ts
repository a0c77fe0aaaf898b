import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { TableVpnSessionGateway } from '../../shared/adapters/vpn/table-session-gateway';
import { requireEnv } from '../../shared/config/env';
import { logger } from '../../shared/observability/logger';
import { buildTableConsumer, type ConsumerBaseDeps } from '../../shared/workers/composition';
import type { VpnSessionGateway } from '../../shared/workers/ports';

/** end-sessions: every ACTIVE VPN session of the deleted subject is ended through the VPN session gateway port. */

export interface EndSessionsDeps extends ConsumerBaseDeps {
  /** Default: the table-backed gateway. A real VPN gateway adapter plugs in here. */
  sessions?: VpnSessionGateway;
}

export function createEndSessionsHandler(deps: EndSessionsDeps) {
  const sessions = deps.sessions ?? new TableVpnSessionGateway(deps.doc, deps.tableName);
  return buildTableConsumer('end-sessions', 'sessions', deps, (event, context) => sessions.terminateActiveSessions(event.subject, context));
}

const tableName = requireEnv('TABLE_NAME');
const doc = createDocumentClient();

export const handler = middy(createEndSessionsHandler({ doc, tableName })).use(injectLambdaContext(logger));
