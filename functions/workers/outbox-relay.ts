import { outboxRelayFromEnv } from '../../shared/outbox/relay-composition';

export const handler = outboxRelayFromEnv(process.env);
