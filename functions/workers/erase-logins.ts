import { eraseLoginsFromEnv } from '../../shared/workers/steps/erase-logins';

export const handler = eraseLoginsFromEnv(process.env);
