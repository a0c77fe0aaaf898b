import { deleteCustomerFromEnv } from '../../shared/http/routes/delete-customer';

export const handler = deleteCustomerFromEnv(process.env);
