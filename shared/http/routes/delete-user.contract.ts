import * as z from 'zod';
import { V2_INVALID, v2Errors, type RouteContracts } from '../contract/operation';
import { ackOf, REQUEST_ID } from '../contract/examples';
import { deletionBody, v2Ack } from '../contract/schemas';
import { dryRunQuery, idempotencyKeyHeader, idParam } from '../input';

const accepted = v2Ack(
  'DeleteUserAck',
  'Accepted: the request id to follow (`GET /api/v2/requests/{requestId}`); or, with dryRun, what the deletion would touch.',
  z.union([z.strictObject({ requestId: z.uuid() }), z.strictObject({ dryRun: z.literal(true), impact: z.strictObject({ devices: z.int().min(0), activeSessions: z.int().min(0) }) })]),
);

export const contracts: RouteContracts = {
  'DELETE /api/v2/customer/{customerId}/user/{userId}': {
    operationId: 'deleteUser',
    summary: 'Delete a user of a customer (v2)',
    description:
      "Asynchronous: answers at once with a request id, the cascade runs behind it; the user's personal fields are always erased (`mode` is refused). " +
      "The requestor's account may delete users of its own account or of its direct sub-customers. `dryRun=true` answers what it would do and changes nothing.",
    tag: 'v2',
    scopes: ['users:delete'],
    params: { customerId: idParam('customerId'), userId: idParam('userId') },
    query: { dryRun: dryRunQuery },
    headers: { 'Idempotency-Key': idempotencyKeyHeader },
    body: deletionBody,
    responses: {
      200: {
        description: 'Accepted (or, with dryRun, deletable).',
        schema: accepted,
        examples: {
          accepted: { summary: 'Accepted', value: ackOf({ requestId: REQUEST_ID }) },
          dryRun: { summary: 'Dry run', value: ackOf({ dryRun: true, impact: { devices: 2, activeSessions: 1 } }) },
        },
      },
      ...v2Errors({
        400: V2_INVALID("mode is not accepted on v2: a v2 deletion always erases the user's personal fields"),
        403: { description: 'Scope missing, or the requestor is not eligible.', examples: { notEligible: ['AUTH_1003', 'Requestor is not eligible'] } },
        404: {
          description: 'No such customer, or no such user in that customer.',
          examples: { customer: ['CUSTOMER_1002', 'Customer does not exist'], user: ['USER_1002', 'User does not exist'] },
        },
        422: { description: 'The Idempotency-Key was already used for a different request.', examples: { reused: ['VALIDATION_1002', 'Idempotency-Key was already used for a different request'] } },
      }),
    },
  },
};
