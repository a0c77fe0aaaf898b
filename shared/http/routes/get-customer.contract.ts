import * as z from 'zod';
import { v1Errors, type RouteContracts } from '../contract/operation';
import { AT } from '../contract/examples';
import { components, customerView } from '../contract/schemas';
import { idParam } from '../input';

const customer = z.strictObject({ success: z.literal(true), customer: customerView });
components.add(customer, { id: 'CustomerResponse', description: "A customer's state." });

const ID_MESSAGE = "customerId must be 1-128 characters of letters, digits, '.', '_', ':' or '-'";

export const contracts: RouteContracts = {
  'GET /customer/{customerId}': {
    operationId: 'getCustomer',
    summary: "A customer's state and counts",
    description: 'Same roles as the v1 delete: ADMIN and MASTER any customer, RESALE the customers it manages; any other is the 404 of a missing customer.',
    tag: 'v1',
    scopes: ['customers:read'],
    params: { customerId: idParam('customerId') },
    responses: {
      200: {
        description: 'The customer.',
        schema: customer,
        examples: {
          deleted: {
            summary: 'A soft-deleted customer',
            value: {
              success: true,
              customer: {
                id: 'cust-1001',
                parentId: 'reseller-1',
                status: 'DELETED',
                name: 'Acme Corp',
                email: 'owner@acme.example',
                deletedAt: AT,
                purgeAfter: '2025-02-14T10:30:00.000Z',
                activeSubscriptions: 0,
                liveSubCustomers: 0,
                users: { active: 0, deleted: 2 },
                devices: { active: 0, revoked: 3 },
                sessions: { active: 0, terminated: 1 },
              },
            },
          },
        },
      },
      ...v1Errors({
        400: { description: 'Malformed id.', examples: { id: ['INVALID_CUSTOMER_ID', ID_MESSAGE] } },
        403: { description: 'Role or scope does not allow it.', examples: { scope: ['SCOPE_MISSING', "Token lacks the 'customers:read' scope"] } },
        404: { description: 'No such customer, or not visible to the caller.', examples: { notFound: ['CUSTOMER_NOT_FOUND', 'Customer not found'] } },
      }),
    },
  },
};
