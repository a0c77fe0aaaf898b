import * as z from 'zod';
import { V2_INVALID, v2Errors, type RouteContracts } from '../contract/operation';
import { ackOf, pageOf, REQUEST_ID, requestViewExample } from '../contract/examples';
import { requestView, v2Ack } from '../contract/schemas';
import { components } from '../contract/schemas';
import { idParam } from '../input';
import { pageQuery } from '../paging';

const status = v2Ack('RequestStatusAck', "The request's status and steps, one element.", requestView);

const count = z.int().min(0);

/** A batch's item (SPEC "Bulk deletion"): PENDING until decided; a DELETED one names its deletion's request, a refusal its code. */
const batchItem = z.strictObject({
  customerId: z.string(),
  outcome: z.enum(['DELETED', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'UNAUTHORIZED', 'FAILED', 'PENDING']),
  requestId: z.uuid().optional(),
  code: z.string().optional(),
});
const batchView = z.strictObject({
  requestId: z.uuid(),
  type: z.literal('batch'),
  status: z.enum(['IN_PROGRESS', 'SUCCESS', 'FAILED']),
  totals: z.strictObject({ total: count, deleted: count, refused: count, failed: count, pending: count }),
  items: z.array(batchItem),
});
components.add(batchView, { id: 'BatchView', description: 'A bulk deletion: its totals, and one page of its items in the order given (`pageable` is over the items).' });
const batchStatus = v2Ack('BatchStatusPage', 'A batch, with one page of its items.', batchView);
const statusOrBatch = z.union([status, batchStatus]);
components.add(statusOrBatch, { id: 'RequestStatusResponse', description: 'A request (one element), or a batch with one page of its items.' });

export const contracts: RouteContracts = {
  'GET /api/v2/requests/{requestId}': {
    operationId: 'getRequestStatus',
    summary: "A request's status and cascade steps (a batch: its totals and items, paged)",
    description:
      "The requestor's account or an ADMIN may read it (no scope needed); anyone else gets the 404 of a missing request. For a batch, `page` and `size` page over its items.",
    tag: 'v2',
    scopes: [],
    params: { requestId: idParam('requestId') },
    query: pageQuery,
    responses: {
      200: {
        description: 'The request, or a batch with one page of its items.',
        schema: statusOrBatch,
        examples: {
          success: { summary: 'A completed deletion', value: ackOf(requestViewExample) },
          batch: {
            summary: 'A batch, one page of its items',
            value: {
              ...pageOf([
                {
                  requestId: REQUEST_ID,
                  type: 'batch',
                  status: 'SUCCESS',
                  totals: { total: 2, deleted: 1, refused: 1, failed: 0, pending: 0 },
                  items: [
                    { customerId: 'cust-1001', outcome: 'DELETED', requestId: '5d0c9a1e-3f2b-4c6d-8e7f-9a0b1c2d3e4f' },
                    { customerId: 'cust-1002', outcome: 'CONFLICT', code: 'DELETION_BLOCKED' },
                  ],
                },
              ]),
              pageable: { page: 0, size: 20, totalPages: 1, totalElements: 2 },
            },
          },
        },
      },
      ...v2Errors({
        400: V2_INVALID("requestId must be 1-128 characters of letters, digits, '.', '_', ':' or '-'"),
        404: { description: 'No such request, or not visible to the caller.', examples: { notFound: ['REQUEST_1002', 'Request does not exist'] } },
      }),
    },
  },
};
