import { listRequestsFromEnv } from '../../shared/http/routes/list-requests';

export const handler = listRequestsFromEnv(process.env);
