import { revokeDevicesFromEnv } from '../../shared/workers/steps/revoke-devices';

export const handler = revokeDevicesFromEnv(process.env);
