import { tableFromEnv, type TableRef } from '../adapters/dynamodb/client';
import { DynamoDeletionStore } from '../adapters/dynamodb/deletion-store';
import { tokenVerifierConfigFromEnv } from '../auth/config';
import { createTokenVerifier, type TokenVerifier } from '../auth/token-verifier';
import type { Environment } from '../config/env';
import { DeletionService } from '../domain/deletion-service';
import { systemClock, uuidIds } from '../domain/system';

/**
 * What every API function is built from: its token verifier and its table (the `token-verifier`
 * and `table` links of its declaration). Called by a route's factory once per cold start, never
 * per request; building costs no I/O (the JWKS is fetched on first use).
 */
export function apiBaseFromEnv(env: Environment): { verifier: TokenVerifier; table: TableRef } {
  return { verifier: createTokenVerifier(tokenVerifierConfigFromEnv(env)), table: tableFromEnv(env) };
}

export function deletionServiceOn(table: TableRef): DeletionService {
  return new DeletionService({ store: new DynamoDeletionStore(table.doc, table.tableName), clock: systemClock, ids: uuidIds });
}
