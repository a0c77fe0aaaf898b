import { deleteUserFromEnv } from '../../shared/http/routes/delete-user';

export const handler = deleteUserFromEnv(process.env);
