import { tokenVerifierConfigFromEnv } from '../auth/config';
import { requireEnv } from './env';

/** What every API function reads from its environment, once per cold start. */
export function apiConfigFromEnv() {
  return { tableName: requireEnv('TABLE_NAME'), auth: tokenVerifierConfigFromEnv() };
}
