import { getRequestReceiptFromEnv } from '../../shared/http/routes/get-request-receipt';

export const handler = getRequestReceiptFromEnv(process.env);
