import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { receiptPayload, receiptRefusal, type ReceiptSource } from '../domain/receipt';
import { errorName } from '../domain/safe-error';
import { logger } from '../observability/logger';
import { signReceipt, type ReceiptSigner } from './jws';

/** A request as the receipt signer reads it: the receipt's source, and the receipt if one is stored. */
export type RequestForReceipt = ReceiptSource & { receipt?: string };

/** Where receipts are kept: on their request item. */
export interface ReceiptStore {
  /** The request, read consistently. */
  request(requestId: string): Promise<RequestForReceipt | undefined>;
  /** A soft-deleted customer's purge date, if it has one. */
  purgeAfterOf(customerId: string): Promise<string | undefined>;
  /** Stores the receipt unless one is stored already (then false); clears `receiptPending` either way. */
  store(requestId: string, receipt: string): Promise<boolean>;
}

export interface ReceiptSignerDeps {
  signer: ReceiptSigner;
  store: ReceiptStore;
  issuer: string;
  now?: () => Date;
}

export type SignOutcome = 'signed' | 'already-signed' | 'not-complete' | 'no-request';

/**
 * Signs one request's receipt, at most one stored per request: a receipt already stored is never
 * signed again, and of two deliveries racing, the conditional write keeps the first (the other's
 * signature is discarded, never stored). Only a SUCCESS request gets one.
 */
export async function signAndStoreReceipt(requestId: string, deps: ReceiptSignerDeps): Promise<SignOutcome> {
  const request = await deps.store.request(requestId);
  if (!request) return 'no-request';
  if (request.receipt !== undefined) return 'already-signed';
  if (receiptRefusal(request)) return 'not-complete';
  const purgeAfter = request.type === 'customer.delete' && request.mode === 'soft' && request.subject.type === 'customer' ? await deps.store.purgeAfterOf(request.subject.customerId) : undefined;
  const payload = receiptPayload(request, { issuer: deps.issuer, issuedAt: (deps.now ?? (() => new Date()))(), ...(purgeAfter ? { purgeAfter } : {}) });
  const receipt = await signReceipt(payload, deps.signer);
  return (await deps.store.store(requestId, receipt)) ? 'signed' : 'already-signed';
}

/** The request id of a stream record of a request item flagged `receiptPending`, else undefined. */
export function pendingReceiptOf(record: DynamoDBRecord): string | undefined {
  const image = record.dynamodb?.NewImage;
  if (!image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (item.receiptPending !== true || typeof item.pk !== 'string' || !item.pk.startsWith('REQUEST#') || item.sk !== 'REQUEST') return undefined;
  return item.pk.slice('REQUEST#'.length);
}

/** The stream consumer: each flagged request signed; a failure is reported so the stream retries it. */
export function createReceiptSigner(deps: ReceiptSignerDeps) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const failures: DynamoDBBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const requestId = pendingReceiptOf(record);
      if (!requestId) continue;
      try {
        const outcome = await signAndStoreReceipt(requestId, deps);
        // Ids and the outcome only: never the receipt, its subject or its reason.
        logger.info('deletion receipt', { requestId, outcome });
      } catch (error) {
        logger.warn('deletion receipt not signed; the stream will retry', { requestId, error: errorName(error) });
        failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
        // Records of a shard are retried from the first failure on: stop here.
        break;
      }
    }
    return { batchItemFailures: failures };
  };
}
