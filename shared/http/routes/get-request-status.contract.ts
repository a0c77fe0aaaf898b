import { V2_INVALID, v2Errors, type RouteContracts } from '../contract/operation';
import { ackOf, requestViewExample } from '../contract/examples';
import { requestView, v2Ack } from '../contract/schemas';
import { idParam } from '../input';

const status = v2Ack('RequestStatusAck', "The request's status and steps, one element.", requestView);

export const contracts: RouteContracts = {
  'GET /api/v2/requests/{requestId}': {
    operationId: 'getRequestStatus',
    summary: "A request's status and cascade steps",
    description: "The requestor's account or an ADMIN may read it (no scope needed); anyone else gets the 404 of a missing request.",
    tag: 'v2',
    scopes: [],
    params: { requestId: idParam('requestId') },
    responses: {
      200: { description: 'The request.', schema: status, examples: { success: { summary: 'A completed deletion', value: ackOf(requestViewExample) } } },
      ...v2Errors({
        400: V2_INVALID("requestId must be 1-128 characters of letters, digits, '.', '_', ':' or '-'"),
        404: { description: 'No such request, or not visible to the caller.', examples: { notFound: ['REQUEST_1002', 'Request does not exist'] } },
      }),
    },
  },
};
