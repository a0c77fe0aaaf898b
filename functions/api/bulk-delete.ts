import { bulkDeleteFromEnv } from '../../shared/http/routes/bulk-delete';

export const handler = bulkDeleteFromEnv(process.env);
