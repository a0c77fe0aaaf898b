import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDbDeviceRevoker } from '../../shared/adapters/dynamodb/cascade-store';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { requireEnv } from '../../shared/config/env';
import { logger } from '../../shared/observability/logger';
import { buildTableConsumer, type ConsumerBaseDeps } from '../../shared/workers/composition';
import type { DeviceRevoker } from '../../shared/workers/ports';

/** revoke-devices: every ACTIVE device of the deleted subject becomes REVOKED (revokedAt, revokedByRequestId). */

export interface RevokeDevicesDeps extends ConsumerBaseDeps {
  devices?: DeviceRevoker;
}

export function createRevokeDevicesHandler(deps: RevokeDevicesDeps) {
  const devices = deps.devices ?? new DynamoDbDeviceRevoker(deps.doc, deps.tableName);
  return buildTableConsumer('revoke-devices', 'devices', deps, (event, context) => devices.revokeAll(event.subject, context));
}

const tableName = requireEnv('TABLE_NAME');
const doc = createDocumentClient();

export const handler = middy(createRevokeDevicesHandler({ doc, tableName })).use(injectLambdaContext(logger));
