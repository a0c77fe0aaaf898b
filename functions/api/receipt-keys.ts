import { receiptKeysFromEnv } from '../../shared/http/routes/receipt-keys';

export const handler = receiptKeysFromEnv(process.env);
