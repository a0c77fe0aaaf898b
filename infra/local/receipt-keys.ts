import { resolve } from 'node:path';
import { localDir } from './local-config';

/** The local stack's deletion-receipt signing key (RECEIPT_KEY=file:<this>), created on first use, git-ignored. */
export const receiptKeyFile = resolve(localDir, 'keys', 'receipt-key.json');
/** The local receipts' `iss`. */
export const LOCAL_RECEIPT_ISSUER = 'https://receipts.local.customer-deletion.invalid';

