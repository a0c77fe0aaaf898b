import { REQUEST_SHARDS } from '../../../infra/catalog';
/**
 * The single-table key scheme. Everything that touches the table builds keys here, so the
 * layout is written down once:
 *
 *   pk                         sk                 item
 *   CUSTOMER#<id>              PROFILE            customer (gsi1pk = PARENT#<parentId>, gsi1sk = CUSTOMER#<id>)
 *   CUSTOMER#<id>              USER#<userId>      user of that customer
 *   CUSTOMER#<id>              DEVICE#<deviceId>  device (userId optional)
 *   CUSTOMER#<id>              SESSION#<id>       VPN session (userId optional)
 *   REQUEST#<requestId>        REQUEST            deletion request with its cascade steps (a batch: also its ids)
 *   REQUEST#<batchId>          ITEM#<customerId>  a batch item's outcome (bulk deletion)
 *   REQUEST#<requestId>        CHECKPOINT#<step>#<eventId>  what one event's run of a step has finished (TTL)
 *   AUDIT#<customerId>         <iso time>#<uuid>  append-only audit record
 *   IDEMPOTENCY#<account>#<k>  IDEMPOTENCY        first response for an Idempotency-Key (TTL)
 *   OUTBOX#<requestId>         EVENT#<queueId>    cascade event waiting for the relay
 *   PROCESSED#<consumer>       <eventId>          consumer idempotency marker (TTL)
 *
 * Index keys (overloaded: one index, several kinds of item, told apart by the key's prefix):
 *
 *   byParent    gsi1pk PARENT#<parentId>          gsi1sk CUSTOMER#<id>             a live customer, under its parent
 *               gsi1pk ACCOUNT#<accountId>        gsi1sk <createdAt>#<requestId>   a request, under its requesting account
 *   byPurgeDate purgePk PURGE                     purgeAfter <iso time>            a DELETED customer waiting for its purge
 *   byTime      timePk REQUESTS_OPEN#<shard>      timeSk <createdAt>#<requestId>   a request until it is SUCCESS with its receipt
 *               timePk REQUESTS_DONE#<shard>      timeSk <createdAt>#<requestId>   then (the receipt store moves it)
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
  batchItem: (batchId: string, customerId: string) => ({ pk: `REQUEST#${batchId}`, sk: `ITEM#${customerId}` }),
  batchItemPrefix: 'ITEM#',
  stepCheckpoint: (requestId: string, step: string, eventId: string) => ({ pk: `REQUEST#${requestId}`, sk: `CHECKPOINT#${step}#${eventId}` }),
  audit: (customerId: string, at: string, auditId: string) => ({ pk: `AUDIT#${customerId}`, sk: `${at}#${auditId}` }),
  auditPartition: (customerId: string) => `AUDIT#${customerId}`,
  idempotency: (accountId: string, key: string) => ({ pk: `IDEMPOTENCY#${accountId}#${key}`, sk: 'IDEMPOTENCY' }),
  outbox: (requestId: string, queueId: string) => ({ pk: `OUTBOX#${requestId}`, sk: `EVENT#${queueId}` }),
  outboxPrefix: 'OUTBOX#',
  processed: (consumer: string, eventId: string) => ({ pk: `PROCESSED#${consumer}`, sk: eventId }),
  prefixes: { user: 'USER#', device: 'DEVICE#', session: 'SESSION#' },
  /** A request under its requesting account (byParent): its list, newest first. */
  accountRequests: (accountId: string) => ({ gsi1pk: `ACCOUNT#${accountId}` }),
  /** A request's place in the all-accounts index (byTime), open or done. */
  requestsShard: (state: RequestIndexState, shard: number) => ({ timePk: `REQUESTS_${state}#${shard}` }),
  /** Both indexes sort a request by creation time, then id (unique, and the order of ties). */
  requestSortKey: (createdAt: string, requestId: string) => `${createdAt}#${requestId}`,
} as const;

export type RequestIndexState = 'OPEN' | 'DONE';

/**
 * The byTime shard of a request: FNV-1a of its id, modulo REQUEST_SHARDS. Stable (a request never
 * changes shard, only state) and even enough that a bulk run spreads over all shards.
 */
export function requestShard(requestId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < requestId.length; i += 1) {
    hash ^= requestId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % REQUEST_SHARDS;
}

/** The index keys a request item carries: under its account (byParent) and in its shard (byTime). */
export function requestIndexKeys(request: { requestId: string; createdAt: string; actor: { accountId: string } }, state: RequestIndexState) {
  const sortKey = keys.requestSortKey(request.createdAt, request.requestId);
  return {
    ...keys.accountRequests(request.actor.accountId),
    gsi1sk: sortKey,
    ...keys.requestsShard(state, requestShard(request.requestId)),
    timeSk: sortKey,
  };
}
