import { restoreCustomerFromEnv } from '../../shared/http/routes/restore-customer';

export const handler = restoreCustomerFromEnv(process.env);
