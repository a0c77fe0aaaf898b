import type { TokenVerifier } from '../../auth/token-verifier';
import type { ActorStanding } from '../../domain/actor-standing';
import { readRequestFor, type RequestReader } from '../../domain/request-query';
import type { Clock } from '../../domain/deletion-ports';
import { DynamoRequestReader } from '../../adapters/dynamodb/request-reader';
import { requirePositiveIntEnv, type Environment } from '../../config/env';
import { systemClock } from '../../domain/system';
import { apiBaseFromEnv } from '../api-wiring';
import { header, pathId, readInput } from '../input';
import { httpHandler } from '../middleware';
import { pageRequest, v2Page } from '../paging';
import { DynamoBatchStore } from '../../adapters/dynamodb/batch-store';
import { batchView, type BatchStore } from '../../domain/bulk-deletion';
import { NotFoundError } from '../../domain/errors';
import { requestView, v2Ack } from '../v2-envelope';

/** `GET /api/v2/requests/{requestId}`: a deletion request's status and steps, for its requestor only. */
export function createGetRequestStatusHandler(deps: {
  verifier: TokenVerifier;
  standing: ActorStanding;
  requests: RequestReader;
  batches: Pick<BatchStore, 'loadBatch'>;
  completionSlaHours: number;
  clock: Clock;
}) {
  return httpHandler('v2', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const { requestId, page } = await readInput(actor, deps.standing, () => ({ requestId: pathId(event, 'requestId', 'VALIDATION_1001'), page: pageRequest(event) }));
    const request = await readRequestFor(actor, requestId, deps.requests);
    if (request.type === 'batch') {
      // A batch (SPEC "Bulk deletion"): its totals and one page of its items, read after its visibility was decided.
      const loaded = await deps.batches.loadBatch(requestId);
      if (!loaded) throw new NotFoundError('request');
      const { content, pageable } = batchView(loaded.batch, loaded.outcomes, page);
      return v2Page(content, pageable);
    }
    return v2Ack([requestView(request, { completionSlaHours: deps.completionSlaHours, now: deps.clock.now() })]);
  });
}

export function getRequestStatusFromEnv(env: Environment) {
  const { verifier, table, standing } = apiBaseFromEnv(env);
  return createGetRequestStatusHandler({
    verifier,
    standing,
    requests: new DynamoRequestReader(table),
    batches: new DynamoBatchStore(table),
    completionSlaHours: requirePositiveIntEnv(env, 'COMPLETION_SLA_HOURS'),
    clock: systemClock,
  });
}
