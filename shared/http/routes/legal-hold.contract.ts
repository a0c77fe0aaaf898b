import * as z from 'zod';
import { v1Errors, type ResponseSpec, type RouteContracts } from '../contract/operation';
import { AT } from '../contract/examples';
import { components, deletionBody, legalHold } from '../contract/schemas';
import { idParam } from '../input';

const placed = z.strictObject({ success: z.literal(true), message: z.literal('Legal hold placed'), legalHold });
components.add(placed, { id: 'LegalHoldPlaced', description: 'The hold as placed.' });
const released = z.strictObject({ success: z.literal(true), message: z.literal('Legal hold released') });
components.add(released, { id: 'LegalHoldReleased', description: 'The hold is gone.' });

const refusals = (conflict: Record<number, { description: string; examples: Record<string, [string, string]> }>): Record<number, ResponseSpec> =>
  v1Errors({
    400: { description: 'Malformed id or body (placing: a reason is required).', examples: { reason: ['REASON_REQUIRED', 'A reason is required to place a legal hold'] } },
    403: { description: 'ADMIN only, with scope customers:hold.', examples: { scope: ['SCOPE_MISSING', "Token lacks the 'customers:hold' scope"] } },
    404: { description: 'No such customer.', examples: { notFound: ['CUSTOMER_NOT_FOUND', 'Customer not found'] } },
    ...conflict,
    410: { description: 'The customer was purged.', examples: { purged: ['PURGED', 'Customer was purged; it can no longer be restored or held'] } },
  });

const common = { tag: 'v1' as const, scopes: ['customers:hold'], params: { customerId: idParam('customerId') }, body: deletionBody };

export const contracts: RouteContracts = {
  'PUT /customer/{customerId}/legal-hold': {
    ...common,
    operationId: 'placeLegalHold',
    summary: 'Place (or replace) a legal hold',
    description: 'While held, a hard delete or purge is a 409 and the scheduled purge skips the customer; soft delete and restore are allowed. Placing again replaces the reason and ticket.',
    responses: {
      200: {
        description: 'Placed.',
        schema: placed,
        examples: { placed: { summary: 'Placed', value: { success: true, message: 'Legal hold placed', legalHold: { placedAt: AT, placedBy: 'platform-admin', reason: 'litigation', ticket: 'LEGAL-7' } } } },
      },
      ...refusals({}),
    },
  },
  'DELETE /customer/{customerId}/legal-hold': {
    ...common,
    operationId: 'releaseLegalHold',
    summary: 'Release a legal hold',
    description: 'The optional reason and ticket go to the audit trail.',
    responses: {
      200: { description: 'Released.', schema: released, examples: { released: { summary: 'Released', value: { success: true, message: 'Legal hold released' } } } },
      ...refusals({ 409: { description: 'There is no hold to release.', examples: { none: ['NO_LEGAL_HOLD', 'Customer has no legal hold'] } } }),
    },
  },
};
