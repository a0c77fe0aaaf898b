import { sendEmailFromEnv } from '../../shared/workers/steps/send-email';

export const handler = sendEmailFromEnv(process.env);
