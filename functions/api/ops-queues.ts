import { opsQueuesFromEnv } from '../../shared/http/routes/ops-queues';

export const handler = opsQueuesFromEnv(process.env);
