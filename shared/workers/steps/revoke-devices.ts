import { DynamoDbDeviceRevoker } from '../../adapters/dynamodb/cascade-store';
import { tableFromEnv } from '../../adapters/dynamodb/client';
import type { Environment } from '../../config/env';
import type { DeviceRevoker } from '../ports';
import { createStepConsumer, tableStepPorts, type StepConsumerPorts } from '../step-consumer';
import { workerHandler } from '../worker-handler';

/** Step `devices`: every ACTIVE device of the deleted subject becomes REVOKED (revokedAt, revokedByRequestId). */
export function createRevokeDevicesHandler(ports: StepConsumerPorts & { devices: DeviceRevoker }) {
  return createStepConsumer('devices', ports, (event, context) => ports.devices.revokeAll(event.subject, context));
}

export function revokeDevicesFromEnv(env: Environment) {
  const table = tableFromEnv(env);
  return workerHandler(createRevokeDevicesHandler({ ...tableStepPorts(table, 'devices'), devices: new DynamoDbDeviceRevoker(table.doc, table.tableName) }));
}
