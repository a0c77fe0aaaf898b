import * as z from 'zod';
import { v1Errors, type RouteContracts } from '../contract/operation';
import { AT, REQUEST_ID } from '../contract/examples';
import { deletionBody, deletionImpact, components } from '../contract/schemas';
import { dryRunQuery, idempotencyKeyHeader, idParam, modeQuery } from '../input';

const deleted = z.strictObject({
  success: z.literal(true),
  message: z.literal('Customer deleted successfully'),
  deletedAt: z.iso.datetime(),
  requestId: z.uuid(),
  purgeAfter: z.iso.datetime().optional(),
});
const dryRun = z.strictObject({
  success: z.literal(true),
  dryRun: z.literal(true),
  message: z.literal('Customer can be deleted'),
  impact: deletionImpact,
  purgeAfter: z.iso.datetime().optional(),
});
const deleteCustomerResponse = z.union([deleted, dryRun]);
components.add(deleteCustomerResponse, { id: 'DeleteCustomerResponse', description: 'A deletion (soft: with its purge date), or a dry run: what it would touch.' });

export const contracts: RouteContracts = {
  'DELETE /customer/{customerId}': {
    operationId: 'deleteCustomer',
    summary: 'Delete a customer (v1)',
    description:
      'Soft (default) marks the customer DELETED until its retention ends; `mode=hard` (ADMIN, `customers:purge`, a reason) erases its personal data now, also for a DELETED customer (purge now). ' +
      'ADMIN and MASTER may delete any customer, RESALE only the customers it manages. One atomic write; the cascade runs behind it. `dryRun=true` answers what it would do and changes nothing.',
    tag: 'v1',
    scopes: ['customers:delete'],
    params: { customerId: idParam('customerId') },
    query: { mode: modeQuery, dryRun: dryRunQuery },
    headers: { 'Idempotency-Key': idempotencyKeyHeader },
    body: deletionBody,
    responses: {
      200: {
        description: 'Deleted (or, with dryRun, deletable).',
        schema: deleteCustomerResponse,
        examples: {
          soft: { summary: 'Soft delete', value: { success: true, message: 'Customer deleted successfully', deletedAt: AT, requestId: REQUEST_ID, purgeAfter: '2025-02-14T10:30:00.000Z' } },
          hard: { summary: 'Hard delete', value: { success: true, message: 'Customer deleted successfully', deletedAt: AT, requestId: REQUEST_ID } },
          dryRun: { summary: 'Dry run', value: { success: true, dryRun: true, message: 'Customer can be deleted', impact: { users: 2, devices: 3, activeSessions: 1 }, purgeAfter: '2025-02-14T10:30:00.000Z' } },
        },
      },
      ...v1Errors({
        400: {
          description: 'Malformed id, mode, dryRun, body or Idempotency-Key, or a hard delete without a reason.',
          examples: {
            id: ['INVALID_CUSTOMER_ID', "customerId must be 1-128 characters of letters, digits, '.', '_', ':' or '-'"],
            mode: ['INVALID_MODE', "mode must be 'soft' or 'hard'"],
            body: ['INVALID_BODY', 'Unknown field(s) in body: drop'],
          },
        },
        403: {
          description: 'Role, scope or management scope does not allow it.',
          examples: { scope: ['SCOPE_MISSING', "Token lacks the 'customers:delete' scope"], notManaged: ['NOT_MANAGED', 'Customer is not managed by your account'] },
        },
        404: { description: 'No such customer, already deleted (soft), or already purged.', examples: { notFound: ['CUSTOMER_NOT_FOUND', 'Customer not found'] } },
        409: {
          description: 'Active subscriptions, live sub-customers or a legal hold (for a hard delete): the blockers, at most 100, and their total.',
          examples: {
            blocked: [
              'DELETION_BLOCKED',
              'Customer has active subscriptions, live sub-customers or a legal hold',
              { blockers: [{ type: 'activeSubscription', detail: '2 active subscription(s)' }, { type: 'subCustomer', id: 'cust-2001', detail: 'Sub-customer is ACTIVE' }], blockersTotal: 2 },
            ],
          },
        },
        422: { description: 'The Idempotency-Key was already used for a different request.', examples: { reused: ['IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key was already used for a different request'] } },
      }),
    },
  },
};
