import { DynamoDbDeviceRevoker } from '../../adapters/dynamodb/cascade-store';
import type { Environment } from '../../config/env';
import type { DeviceRevoker } from '../ports';
import { counted } from '../cascade-consumer';
import { workBudgetMs } from './budget';
import { createStepConsumer, stepHandlerFromEnv, type StepConsumerPorts } from '../step-consumer';

/**
 * Step `devices`: every ACTIVE device of the deleted subject becomes REVOKED (revokedAt,
 * revokedByRequestId). A run that would outlast its function stops starting updates at its budget
 * and fails the attempt; the retry finds only the devices still ACTIVE.
 */
export function createRevokeDevicesHandler(ports: StepConsumerPorts & { devices: DeviceRevoker }) {
  return createStepConsumer('devices', ports, async (event, context) => counted('revoked', (await ports.devices.revokeAll(event.subject, context)).revoked));
}

export function revokeDevicesFromEnv(env: Environment) {
  return stepHandlerFromEnv('devices', env, createRevokeDevicesHandler, (table) => ({ devices: new DynamoDbDeviceRevoker(table.doc, table.tableName, { budgetMs: workBudgetMs('devices') }) }));
}
