import { canReadRequest } from './authorization';
import { NotFoundError } from './errors';
import type { Actor, DeletionRequest } from './model';

export interface StoredRequest extends DeletionRequest {
  ownerAccountId: string;
}

export interface RequestReader {
  getRequest(requestId: string): Promise<StoredRequest | undefined>;
}

/**
 * A deletion request as its requestor may see it. Anyone else (but an ADMIN) gets the same 404
 * as for a request that does not exist, so request ids cannot be probed.
 */
export async function readRequestFor(actor: Actor, requestId: string, reader: RequestReader): Promise<StoredRequest> {
  const request = await reader.getRequest(requestId);
  if (!request || !canReadRequest(actor, request)) throw new NotFoundError('request');
  return request;
}
