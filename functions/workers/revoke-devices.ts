import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDbDeviceRevoker, DynamoDbLoginEraser } from '../../shared/adapters/dynamodb/cascade-store';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { requireEnv } from '../../shared/config/env';
import { logger } from '../../shared/observability/logger';
import { buildTableConsumer, type ConsumerBaseDeps } from '../../shared/workers/composition';
import type { DeviceRevoker, LoginEraser } from '../../shared/workers/ports';

/**
 * revoke-devices: every ACTIVE device of the deleted subject becomes REVOKED (revokedAt,
 * revokedByRequestId). For a hard-deleted customer, its access goes entirely: any login the
 * deletion transaction had no room to erase is erased here too.
 */

export interface RevokeDevicesDeps extends ConsumerBaseDeps {
  devices?: DeviceRevoker;
  logins?: LoginEraser;
}

export function createRevokeDevicesHandler(deps: RevokeDevicesDeps) {
  const devices = deps.devices ?? new DynamoDbDeviceRevoker(deps.doc, deps.tableName);
  const logins = deps.logins ?? new DynamoDbLoginEraser(deps.doc, deps.tableName);
  return buildTableConsumer('revoke-devices', 'devices', deps, async (event, context) => {
    const result = await devices.revokeAll(event.subject, context);
    if (event.mode === 'hard' && event.subject.type === 'customer') await logins.eraseRemaining(event.subject.customerId, context);
    return result;
  });
}

const tableName = requireEnv('TABLE_NAME');
const doc = createDocumentClient();

export const handler = middy(createRevokeDevicesHandler({ doc, tableName })).use(injectLambdaContext(logger));
