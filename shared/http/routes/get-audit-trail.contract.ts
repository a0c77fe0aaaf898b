import { V2_INVALID, v2Errors, type RouteContracts } from '../contract/operation';
import { AT, pageOf, REQUEST_ID } from '../contract/examples';
import { auditRecord, v2Ack } from '../contract/schemas';
import { idParam } from '../input';
import { pageQuery } from '../paging';

const page = v2Ack('AuditPage', "One page of a customer's audit trail, newest first.", auditRecord);

export const contracts: RouteContracts = {
  'GET /api/v2/customer/{customerId}/audit': {
    operationId: 'getAuditTrail',
    summary: "A customer's audit trail",
    description: 'ADMIN and MASTER any customer, RESALE the customers it manages; denied attempts included. `page × size` at most 10,000.',
    tag: 'v2',
    scopes: ['audit:read'],
    params: { customerId: idParam('customerId') },
    query: pageQuery,
    responses: {
      200: {
        description: 'One page.',
        schema: page,
        examples: {
          page: {
            summary: 'A deletion and a denied attempt',
            value: pageOf([
              { auditId: 'a-2', at: AT, actor: { sub: 'reseller-admin', role: 'RESALE', accountId: 'reseller-1' }, action: 'customer.delete', mode: 'soft', outcome: 'ALLOWED', requestId: REQUEST_ID },
              { auditId: 'a-1', at: '2025-01-15T10:29:00.000Z', actor: { sub: 'other', role: 'RESALE', accountId: 'reseller-2' }, action: 'customer.delete', mode: 'soft', outcome: 'DENIED', detail: 'NOT_MANAGED' },
            ]),
          },
        },
      },
      ...v2Errors({
        400: V2_INVALID('page × size must be at most 10000'),
        403: { description: 'Role or scope does not allow it.', examples: { notEligible: ['AUTH_1003', 'Requestor is not eligible'] } },
        404: { description: 'No such customer, or not visible to the caller.', examples: { notFound: ['CUSTOMER_1002', 'Customer does not exist'] } },
      }),
    },
  },
};
