import { createDocumentClient } from '../adapters/dynamodb/client';
import { DynamoDeletionStore } from '../adapters/dynamodb/deletion-store';
import { DynamoRequestReader } from '../adapters/dynamodb/request-reader';
import { createTokenVerifier } from '../auth/token-verifier';
import { apiConfigFromEnv } from '../config/api-config';
import { DeletionService } from '../domain/deletion-service';
import { systemClock, uuidIds } from '../domain/system';

/**
 * The API functions' production wiring, from their environment: called once at module load (a
 * cold start), never per request. Building a part a function does not use costs no I/O.
 */
export function apiWiringFromEnv() {
  const config = apiConfigFromEnv();
  const doc = createDocumentClient();
  return {
    verifier: createTokenVerifier(config.auth),
    service: new DeletionService({ store: new DynamoDeletionStore(doc, config.tableName), clock: systemClock, ids: uuidIds }),
    requests: new DynamoRequestReader(doc, config.tableName),
  };
}
