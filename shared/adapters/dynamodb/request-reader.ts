import type { ActorKey } from '../../domain/actor-standing';
import type { RequestReader, StoredRequest } from '../../domain/request-query';
import { batchGetWithStanding, itemAt } from './actor-standing';
import type { TableRef } from './client';
import { keys } from './keys';

export class DynamoRequestReader implements RequestReader {
  constructor(private readonly table: TableRef) {}

  async getRequestAsSeenBy(actor: ActorKey, requestId: string): Promise<{ request: StoredRequest | undefined; actorRevoked: boolean }> {
    const key = keys.request(requestId);
    const { items, revoked } = await batchGetWithStanding(this.table, actor, [key]);
    return { request: itemAt(items, key) as StoredRequest | undefined, actorRevoked: revoked };
  }
}
