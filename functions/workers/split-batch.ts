import { splitBatchFromEnv } from '../../shared/workers/steps/split-batch';

export const handler = splitBatchFromEnv(process.env);
