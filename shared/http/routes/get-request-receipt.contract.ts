import * as z from 'zod';
import { V2_INVALID, v2Errors, type RouteContracts } from '../contract/operation';
import { ackOf, REQUEST_ID } from '../contract/examples';
import { v2Ack } from '../contract/schemas';
import { idParam } from '../input';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const receipt = v2Ack(
  'RequestReceiptAck',
  "The request's signed deletion receipt: a compact JWS (ES256, typ deletion-receipt+jwt) that verifies against /.well-known/deletion-receipt-keys.json.",
  z.strictObject({ requestId: z.uuid(), receipt: z.string().regex(COMPACT_JWS) }),
);

export const contracts: RouteContracts = {
  'GET /api/v2/requests/{requestId}/receipt': {
    operationId: 'getRequestReceipt',
    summary: "A completed request's signed deletion receipt",
    description: 'Same visibility as the request. Signed once, when the request turns SUCCESS; until then 409.',
    tag: 'v2',
    scopes: [],
    params: { requestId: idParam('requestId') },
    responses: {
      200: {
        description: 'The receipt.',
        schema: receipt,
        examples: { receipt: { summary: 'A receipt', value: ackOf({ requestId: REQUEST_ID, receipt: 'eyJhbGciOiJFUzI1NiJ9.eyJqdGkiOiIzZjZjIn0.c2lnbmF0dXJl' }) } },
      },
      ...v2Errors({
        400: V2_INVALID("requestId must be 1-128 characters of letters, digits, '.', '_', ':' or '-'"),
        404: { description: 'No such request, or not visible to the caller.', examples: { notFound: ['REQUEST_1002', 'Request does not exist'] } },
        409: { description: 'The request is IN_PROGRESS or FAILED, or its receipt is not signed yet.', examples: { notComplete: ['REQUEST_1003', 'Request is not complete'] } },
      }),
    },
  },
};
