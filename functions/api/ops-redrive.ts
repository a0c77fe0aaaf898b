import { opsRedriveFromEnv } from '../../shared/http/routes/ops-queues';

export const handler = opsRedriveFromEnv(process.env);
