import { getCustomerFromEnv } from '../../shared/http/routes/get-customer';

export const handler = getCustomerFromEnv(process.env);
