import { KMSClient } from '@aws-sdk/client-kms';
import { tableFromEnv } from '../adapters/dynamodb/client';
import { DynamoDbReceiptStore } from '../adapters/dynamodb/receipt-store';
import { FileReceiptSigner } from '../adapters/keys/file-receipt-signer';
import { KmsReceiptSigner } from '../adapters/kms/kms-receipt-signer';
import { chooseAdapter, requireEnv, type Environment } from '../config/env';
import { workerHandler } from '../workers/worker-handler';
import type { ReceiptSigner } from './jws';
import { createReceiptSigner } from './receipt-signer';
import { traced } from '../observability/tracer';

/** RECEIPT_KEY: `kms:<key ARN>` in AWS, `file:<path>` in the local stack. */
export function receiptSignerFromEnv(env: Environment): ReceiptSigner {
  return chooseAdapter<ReceiptSigner>(env, 'RECEIPT_KEY', {
    kms: { argument: 'key ARN', build: (keyId) => new KmsReceiptSigner(traced(new KMSClient({})), keyId) },
    file: { argument: 'path', build: (file) => new FileReceiptSigner(file) },
  });
}

/** The receipt-signer stream consumer from its environment (its `table` and `receipt-key: sign` links). */
export function receiptSignerHandlerFromEnv(env: Environment) {
  return workerHandler(
    createReceiptSigner({ signer: receiptSignerFromEnv(env), store: new DynamoDbReceiptStore(tableFromEnv(env)), issuer: requireEnv(env, 'RECEIPT_ISSUER') }),
  );
}
