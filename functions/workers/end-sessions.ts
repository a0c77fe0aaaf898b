import { endSessionsFromEnv } from '../../shared/workers/steps/end-sessions';

export const handler = endSessionsFromEnv(process.env);
