import * as z from 'zod';
import { v1Errors, type RouteContracts } from '../contract/operation';
import { AT, REQUEST_ID } from '../contract/examples';
import { components, deletionBody } from '../contract/schemas';
import { idParam } from '../input';

const restored = z.strictObject({ success: z.literal(true), message: z.literal('Customer restored successfully'), restoredAt: z.iso.datetime(), requestId: z.uuid() });
components.add(restored, { id: 'RestoreCustomerResponse', description: 'Restored: ACTIVE again; its cascade re-enables the logins the deletion disabled.' });

export const contracts: RouteContracts = {
  'POST /customer/{customerId}/restore': {
    operationId: 'restoreCustomer',
    summary: 'Restore a soft-deleted customer',
    description: 'ADMIN and MASTER any customer, RESALE only customers it manages. Devices stay REVOKED and sessions TERMINATED.',
    tag: 'v1',
    scopes: ['customers:restore'],
    params: { customerId: idParam('customerId') },
    body: deletionBody,
    responses: {
      200: { description: 'Restored.', schema: restored, examples: { restored: { summary: 'Restored', value: { success: true, message: 'Customer restored successfully', restoredAt: AT, requestId: REQUEST_ID } } } },
      ...v1Errors({
        400: { description: 'Malformed id or body.', examples: { body: ['INVALID_BODY', 'Body must be valid JSON'] } },
        403: { description: 'Role, scope or management scope does not allow it.', examples: { scope: ['SCOPE_MISSING', "Token lacks the 'customers:restore' scope"] } },
        404: { description: 'No such customer.', examples: { notFound: ['CUSTOMER_NOT_FOUND', 'Customer not found'] } },
        409: {
          description: 'The customer is ACTIVE, or its parent is not.',
          examples: { notDeleted: ['NOT_DELETED', 'Customer is not deleted'], parent: ['PARENT_NOT_ACTIVE', 'Parent customer reseller-1 is not active; restore it first'] },
        },
        410: { description: 'The customer was purged: too late.', examples: { purged: ['PURGED', 'Customer was purged; it can no longer be restored or held'] } },
      }),
    },
  },
};
