import { getAuditTrailFromEnv } from '../../shared/http/routes/get-audit-trail';

export const handler = getAuditTrailFromEnv(process.env);
