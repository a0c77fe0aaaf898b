import { createPreTokenGenerationHandler } from '../../shared/auth/pre-token-generation';

export const handler = createPreTokenGenerationHandler();
