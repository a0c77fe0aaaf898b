import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import type { TokenVerifier } from '../../auth/token-verifier';
import { DynamoBatchStore } from '../../adapters/dynamodb/batch-store';
import type { ActorStanding } from '../../domain/actor-standing';
import { BulkDeletionService, MAX_BATCH_SIZE } from '../../domain/bulk-deletion';
import { ValidationError } from '../../domain/errors';
import { ID_PATTERN, type DeletionMode } from '../../domain/model';
import { systemClock, uuidIds } from '../../domain/system';
import type { Environment } from '../../config/env';
import { apiBaseFromEnv } from '../api-wiring';
import { bodyObjectError, header, idempotencyKey, MAX_REASON, MAX_TICKET, optionalText, parseWith, readInput } from '../input';
import { httpHandler } from '../middleware';
import { v2Ack } from '../v2-envelope';

/** SPEC "Bulk deletion": the body is at most 256 KB (1,000 ids of 128 characters fit with room to spare). */
export const MAX_BULK_BODY_BYTES = 256 * 1024;

const CODE = 'VALIDATION_1001';

/** `{ customerIds, mode?, reason?, ticket? }`: the ids' own rules (pattern, uniqueness) are checked after, to name the offending one. */
export const bulkDeletionBodySchema = z.strictObject(
  {
    customerIds: z
      .array(z.string({ error: 'customerIds must be an array of customer ids (strings)' }), {
        error: (issue) => (issue.input === undefined ? 'customerIds is required' : 'customerIds must be an array of customer ids'),
      })
      .check(
        z.minLength(1, { error: `customerIds must list 1 to ${MAX_BATCH_SIZE} customer ids` }),
        z.maxLength(MAX_BATCH_SIZE, { error: `customerIds must list 1 to ${MAX_BATCH_SIZE} customer ids` }),
      ),
    mode: z.optional(z.enum(['soft', 'hard'], { error: "mode must be 'soft' or 'hard'" })),
    reason: optionalText('reason', MAX_REASON),
    ticket: optionalText('ticket', MAX_TICKET),
  },
  bodyObjectError,
);

export interface BulkDeletionBody {
  customerIds: string[];
  mode: DeletionMode;
  reason: string | null;
  ticket: string | null;
}

/** The bulk body, or a 400 naming what is wrong (and nothing started): size, JSON, fields, each id, duplicates. */
export function bulkDeletionBody(event: APIGatewayProxyEventV2): BulkDeletionBody {
  const text = event.body === undefined || event.body === null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (text.trim() === '') throw new ValidationError(CODE, 'Body must be a JSON object with customerIds');
  if (Buffer.byteLength(text) > MAX_BULK_BODY_BYTES) throw new ValidationError(CODE, `Body must be at most ${MAX_BULK_BODY_BYTES / 1024} KB`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError(CODE, 'Body must be valid JSON');
  }
  const body = parseWith(bulkDeletionBodySchema, parsed, CODE);
  const bad = body.customerIds.findIndex((id) => !ID_PATTERN.test(id));
  if (bad >= 0) throw new ValidationError(CODE, `customerIds[${bad}] must be 1-128 characters of letters, digits, '.', '_', ':' or '-'`);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const id of body.customerIds) (seen.has(id) ? duplicates : seen).add(id);
  if (duplicates.size > 0) throw new ValidationError(CODE, `customerIds must be unique; repeated: ${[...duplicates].slice(0, 5).join(', ')}${duplicates.size > 5 ? ', …' : ''}`);
  return { customerIds: body.customerIds, mode: body.mode ?? 'soft', reason: body.reason ?? null, ticket: body.ticket ?? null };
}

/**
 * `POST /api/v2/customers/deletions` (SPEC "Bulk deletion"): answers at once with the batch's request
 * id; the batch's one event is split into v1 deletions by the `split` step, never inside this call.
 */
export function createBulkDeleteHandler(deps: { verifier: TokenVerifier; standing: ActorStanding; service: BulkDeletionService }) {
  return httpHandler('v2', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const { body, key } = await readInput(actor, deps.standing, () => ({ body: bulkDeletionBody(event), key: idempotencyKey(event) }));
    const { batchId } = await deps.service.start({ actor, ...body, idempotencyKey: key });
    return v2Ack([{ requestId: batchId }]);
  });
}

export function bulkDeleteFromEnv(env: Environment) {
  const { verifier, table, standing } = apiBaseFromEnv(env);
  return createBulkDeleteHandler({ verifier, standing, service: new BulkDeletionService({ store: new DynamoBatchStore(table), standing, clock: systemClock, ids: uuidIds }) });
}
