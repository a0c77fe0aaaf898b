import { receiptSignerHandlerFromEnv } from '../../shared/receipts/composition';

export const handler = receiptSignerHandlerFromEnv(process.env);
