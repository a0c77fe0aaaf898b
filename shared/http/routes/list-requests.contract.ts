import { V2_INVALID, v2Errors, type RouteContracts } from '../contract/operation';
import { pageOf, requestViewExample } from '../contract/examples';
import { requestView, v2Ack } from '../contract/schemas';
import { listRequestsQuery } from './list-requests';

const page = v2Ack('RequestPage', "One page of requests, newest first, with the list's real pageable.", requestView);

export const contracts: RouteContracts = {
  'GET /api/v2/requests': {
    operationId: 'listRequests',
    summary: "The caller account's requests (ADMIN: all)",
    description: 'Newest first, filtered by status, type and overdue; `page × size` at most 10,000. Any other query parameter is a 400.',
    tag: 'v2',
    scopes: [],
    query: listRequestsQuery.shape,
    responses: {
      200: { description: 'One page.', schema: page, examples: { page: { summary: 'A page of one', value: pageOf([requestViewExample]) } } },
      ...v2Errors({ 400: V2_INVALID('size must be between 1 and 100') }),
    },
  },
};
