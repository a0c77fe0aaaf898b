import { purgeDueFromEnv } from '../../shared/schedule/purge-due';

export const handler = purgeDueFromEnv(process.env);
