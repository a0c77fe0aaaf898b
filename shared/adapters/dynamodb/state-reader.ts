import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ActorKey } from '../../domain/actor-standing';
import type { AuditPage, AuditTrailReader, CustomerRecord, CustomerStateReader, PartitionCounts, StoredAuditRecord } from '../../domain/state-reads';
import { batchGetWithStanding, itemAt } from './actor-standing';
import type { TableRef } from './client';
import { customerCore } from './customer-items';
import { callDynamo } from './errors';
import { keys } from './keys';
import { queryPages } from './query-pages';

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A customer item as the reads see it: the lifecycle's attributes passed through when present. */
export function toCustomerRecord(item: Record<string, unknown> | undefined): CustomerRecord | undefined {
  if (!item) return undefined;
  const fields: Partial<CustomerRecord> = {};
  for (const field of ['name', 'email', 'deletedAt', 'purgeAfter', 'purgedAt', 'purgeBlockedBy'] as const) {
    const value = optionalString(item[field]);
    if (value !== undefined) fields[field] = value;
  }
  if (typeof item.legalHold === 'object' && item.legalHold !== null) fields.legalHold = item.legalHold as Record<string, unknown>;
  return { ...customerCore(item), ...fields };
}

/**
 * The customer state and audit trail reads on the single table: a BatchGetItem (the customer with
 * the actor's standing), Queries of one partition, never a scan or an index.
 */
export class DynamoStateReader implements CustomerStateReader, AuditTrailReader {
  constructor(private readonly table: TableRef) {}

  async getCustomerAsSeenBy(actor: ActorKey, customerId: string): Promise<{ customer: CustomerRecord | undefined; actorRevoked: boolean }> {
    const key = keys.customer(customerId);
    const { items, revoked } = await batchGetWithStanding(this.table, actor, [key]);
    return { customer: toCustomerRecord(itemAt(items, key)), actorRevoked: revoked };
  }

  /** One Query of the customer's partition, paged by DynamoDB's 1 MB pages; only `sk` and `status` come back. */
  async partitionCounts(customerId: string): Promise<PartitionCounts> {
    const counts: PartitionCounts = { users: { active: 0, deleted: 0 }, devices: { active: 0, revoked: 0 }, sessions: { active: 0, terminated: 0 } };
    const pages = queryPages(this.table, {
      KeyConditionExpression: 'pk = :pk',
      ProjectionExpression: 'sk, #status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': keys.customerPartition(customerId) },
      ConsistentRead: true,
    });
    for await (const page of pages) {
      for (const item of page) {
        const sk = String(item.sk);
        const status = String(item.status);
        if (sk.startsWith(keys.prefixes.user)) {
          if (status === 'ACTIVE') counts.users.active += 1;
          else counts.users.deleted += 1;
        } else if (sk.startsWith(keys.prefixes.device)) {
          if (status === 'ACTIVE') counts.devices.active += 1;
          else counts.devices.revoked += 1;
        } else if (sk.startsWith(keys.prefixes.session)) {
          if (status === 'ACTIVE') counts.sessions.active += 1;
          else counts.sessions.terminated += 1;
        }
      }
    }
    return counts;
  }

  /**
   * One page of the trail, newest first (`ScanIndexForward: false` on `<iso time>#<uuid>` keys). The
   * partition is walked once with `Select: 'COUNT'` queries, which return no items:
   *
   *  1. from the newest record, `Limit: offset` (the records before the page): its LastEvaluatedKey
   *     is the key just before the page. DynamoDB stops a page at 1 MB read, so this may take several
   *     round trips; the HTTP layer caps `offset` (page × size) at 10,000, a few MB at most.
   *  2. from there to the end, without a limit: the rest of the total (one round trip per MB of records).
   *  3. from the key of step 1, `Limit: size`: the page's records themselves (one round trip).
   *
   * So a page costs ceil(trail size / 1 MB) + 1 round trips (+1 when a step-1 page ends on the 1 MB
   * limit) and reads every record once for the count plus the page's records again. Reads are
   * consistent (twice the read units of eventually consistent ones), so a record just written shows.
   * The total and the page come from separate queries: a record appended in between is counted or
   * shown, not both.
   */
  async auditPage(customerId: string, offset: number, size: number): Promise<AuditPage> {
    const partition = { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.auditPartition(customerId) }, ScanIndexForward: false, ConsistentRead: true };
    let total = 0;
    let key: Record<string, unknown> | undefined;
    // 1. Skip the `offset` records before the page.
    while (total < offset) {
      const skipped = await this.query({ ...partition, Select: 'COUNT', Limit: offset - total, ExclusiveStartKey: key });
      total += skipped.Count ?? 0;
      key = skipped.LastEvaluatedKey;
      if (!key) break;
    }
    // The trail ended before the page (or right at its start): an empty page, and the total is known.
    if (offset > 0 && key === undefined) return { records: [], totalElements: total };
    const pageStart = key;
    // 2. Count the rest, from the page's start to the end.
    do {
      const rest = await this.query({ ...partition, Select: 'COUNT', ExclusiveStartKey: key });
      total += rest.Count ?? 0;
      key = rest.LastEvaluatedKey;
    } while (key);
    // 3. The page's records.
    const page = await this.query({ ...partition, Limit: size, ExclusiveStartKey: pageStart });
    return { records: (page.Items ?? []) as StoredAuditRecord[], totalElements: total };
  }

  private query(input: Omit<QueryCommandInput, 'TableName'>) {
    return callDynamo(() => this.table.doc.send(new QueryCommand({ ...input, TableName: this.table.tableName })));
  }
}
