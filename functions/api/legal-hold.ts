import { legalHoldFromEnv } from '../../shared/http/routes/legal-hold';

export const handler = legalHoldFromEnv(process.env);
