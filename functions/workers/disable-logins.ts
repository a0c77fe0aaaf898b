import { disableLoginsFromEnv } from '../../shared/workers/steps/disable-logins';

export const handler = disableLoginsFromEnv(process.env);
