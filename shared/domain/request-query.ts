import { canReadRequest } from './authorization';
import type { ActorKey } from './actor-standing';
import { NotFoundError, TokenRevokedError } from './errors';
import type { Actor, DeletionRequest } from './model';

export interface StoredRequest extends DeletionRequest {
  ownerAccountId: string;
}

export interface RequestReader {
  /** The request (if any) and whether the actor was revoked by a deletion: one batched read. */
  getRequestAsSeenBy(actor: ActorKey, requestId: string): Promise<{ request: StoredRequest | undefined; actorRevoked: boolean }>;
}

/**
 * A deletion request as its requestor may see it. A revoked actor is refused first (401); anyone
 * else (but an ADMIN) gets the same 404 as for a request that does not exist, so request ids
 * cannot be probed.
 */
export async function readRequestFor(actor: Actor, requestId: string, reader: RequestReader): Promise<StoredRequest> {
  const { request, actorRevoked } = await reader.getRequestAsSeenBy(actor, requestId);
  if (actorRevoked) throw new TokenRevokedError();
  if (!request || !canReadRequest(actor, request)) throw new NotFoundError('request');
  return request;
}
