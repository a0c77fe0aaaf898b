import * as z from 'zod';
import { V2_INVALID, v2Errors, type RouteContracts } from '../contract/operation';
import { ackOf, REQUEST_ID } from '../contract/examples';
import { components, v2Ack } from '../contract/schemas';
import { idempotencyKeyHeader } from '../input';
import { bulkDeletionBodySchema } from './bulk-delete';

components.add(bulkDeletionBodySchema, {
  id: 'BulkDeletionBody',
  description: "1–1000 unique customer ids (each 1-128 characters of letters, digits, '.', '_', ':' or '-'), each decided exactly as a v1 delete; the body is at most 256 KB.",
});

const accepted = v2Ack('BulkDeletionAck', 'Accepted: the batch request id (`GET /api/v2/requests/{batchId}` pages over its items).', z.strictObject({ requestId: z.uuid() }));

export const contracts: RouteContracts = {
  'POST /api/v2/customers/deletions': {
    operationId: 'bulkDeleteCustomers',
    summary: 'Delete many customers (one batch request)',
    description: 'v1 roles and scopes; each id authorized, decided, audited and cascaded exactly as a v1 delete. Answers at once; a worker splits the batch.',
    tag: 'v2',
    scopes: ['customers:delete'],
    headers: { 'Idempotency-Key': idempotencyKeyHeader },
    body: bulkDeletionBodySchema,
    responses: {
      200: { description: 'Accepted.', schema: accepted, examples: { accepted: { summary: 'Accepted', value: ackOf({ requestId: REQUEST_ID }) } } },
      ...v2Errors({
        400: V2_INVALID('customerIds must be unique; repeated: cust-1001'),
        403: { description: 'Role or scope does not allow it.', examples: { notEligible: ['AUTH_1003', 'Requestor is not eligible'] } },
        422: { description: 'The Idempotency-Key was already used for a different request.', examples: { reused: ['VALIDATION_1002', 'Idempotency-Key was already used for a different request'] } },
      }),
    },
  },
};
