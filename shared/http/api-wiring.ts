import { DynamoDbActorStanding } from '../adapters/dynamodb/actor-standing';
import { tableFromEnv, type TableRef } from '../adapters/dynamodb/client';
import { DynamoDeletionStore } from '../adapters/dynamodb/deletion-store';
import { tokenVerifierConfigFromEnv } from '../auth/config';
import { createTokenVerifier, type TokenVerifier } from '../auth/token-verifier';
import type { Environment } from '../config/env';
import type { ActorStanding } from '../domain/actor-standing';
import { DeletionService } from '../domain/deletion-service';
import { systemClock, uuidIds } from '../domain/system';

/**
 * What every API function is built from: its token verifier, its table (the `token-verifier`
 * and `table` links of its declaration) and the actor standing read on that table. Called by a
 * route's factory once per cold start, never per request; building costs no I/O (the JWKS is
 * fetched on first use).
 */
export function apiBaseFromEnv(env: Environment): { verifier: TokenVerifier; table: TableRef; standing: ActorStanding } {
  const table = tableFromEnv(env);
  return { verifier: createTokenVerifier(tokenVerifierConfigFromEnv(env)), table, standing: new DynamoDbActorStanding(table) };
}

export function deletionServiceOn(table: TableRef, standing: ActorStanding, settings: { retentionSeconds?: number } = {}): DeletionService {
  return new DeletionService({ store: new DynamoDeletionStore(table.doc, table.tableName), standing, clock: systemClock, ids: uuidIds, ...settings });
}
