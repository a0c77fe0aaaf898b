import { getRequestStatusFromEnv } from '../../shared/http/routes/get-request-status';

export const handler = getRequestStatusFromEnv(process.env);
