import { reconcileFromEnv } from '../../shared/schedule/reconcile-composition';

export const handler = reconcileFromEnv(process.env);
