/**
 * The single-table key scheme. Everything that touches the table builds keys here, so the
 * layout is written down once:
 *
 *   pk                         sk                 item
 *   CUSTOMER#<id>              PROFILE            customer (gsi1pk = PARENT#<parentId>, gsi1sk = CUSTOMER#<id>)
 *   CUSTOMER#<id>              USER#<userId>      user of that customer
 *   CUSTOMER#<id>              DEVICE#<deviceId>  device (userId optional)
 *   CUSTOMER#<id>              SESSION#<id>       VPN session (userId optional)
 *   REQUEST#<requestId>        REQUEST            deletion request with its cascade steps
 *   AUDIT#<customerId>         <iso time>#<uuid>  append-only audit record
 *   IDEMPOTENCY#<account>#<k>  IDEMPOTENCY        first response for an Idempotency-Key (TTL)
 *   OUTBOX#<requestId>         EVENT#<queueId>    cascade event waiting for the relay
 *   PROCESSED#<consumer>       <eventId>          consumer idempotency marker (TTL)
 */
export const keys = {
  customer: (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'PROFILE' }),
  customerChildrenIndex: (parentId: string) => ({ gsi1pk: `PARENT#${parentId}` }),
  customerIndexSortKey: (customerId: string) => `CUSTOMER#${customerId}`,
  user: (customerId: string, userId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `USER#${userId}` }),
  device: (customerId: string, deviceId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `DEVICE#${deviceId}` }),
  session: (customerId: string, sessionId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `SESSION#${sessionId}` }),
  customerPartition: (customerId: string) => `CUSTOMER#${customerId}`,
  request: (requestId: string) => ({ pk: `REQUEST#${requestId}`, sk: 'REQUEST' }),
  audit: (customerId: string, at: string, auditId: string) => ({ pk: `AUDIT#${customerId}`, sk: `${at}#${auditId}` }),
  auditPartition: (customerId: string) => `AUDIT#${customerId}`,
  idempotency: (accountId: string, key: string) => ({ pk: `IDEMPOTENCY#${accountId}#${key}`, sk: 'IDEMPOTENCY' }),
  outbox: (requestId: string, queueId: string) => ({ pk: `OUTBOX#${requestId}`, sk: `EVENT#${queueId}` }),
  outboxPrefix: 'OUTBOX#',
  processed: (consumer: string, eventId: string) => ({ pk: `PROCESSED#${consumer}`, sk: eventId }),
  prefixes: { user: 'USER#', device: 'DEVICE#', session: 'SESSION#' },
} as const;
