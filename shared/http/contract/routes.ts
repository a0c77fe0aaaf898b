import type { RouteContracts } from './operation';
import { contracts as bulkDelete } from '../routes/bulk-delete.contract';
import { contracts as deleteCustomer } from '../routes/delete-customer.contract';
import { contracts as deleteUser } from '../routes/delete-user.contract';
import { contracts as getAuditTrail } from '../routes/get-audit-trail.contract';
import { contracts as getCustomer } from '../routes/get-customer.contract';
import { contracts as getRequestReceipt } from '../routes/get-request-receipt.contract';
import { contracts as getRequestStatus } from '../routes/get-request-status.contract';
import { contracts as legalHold } from '../routes/legal-hold.contract';
import { contracts as listRequests } from '../routes/list-requests.contract';
import { contracts as openapi } from '../routes/openapi.contract';
import { contracts as opsQueues } from '../routes/ops-queues.contract';
import { contracts as receiptKeys } from '../routes/receipt-keys.contract';
import { contracts as restoreCustomer } from '../routes/restore-customer.contract';

/**
 * Every route's contract. A route the catalog declares without one here makes the document fail to
 * build (and its test fail), naming the route; so does one here that the catalog does not declare.
 */
export const routeContracts: RouteContracts = {
  ...deleteCustomer,
  ...deleteUser,
  ...getRequestStatus,
  ...listRequests,
  ...getCustomer,
  ...getAuditTrail,
  ...getRequestReceipt,
  ...receiptKeys,
  ...restoreCustomer,
  ...legalHold,
  ...bulkDelete,
  ...openapi,
  ...opsQueues,
};
