import { resolve } from 'node:path';

/** Values the local stack's handlers trust and the local token issuer uses: one definition for both. */
export const LOCAL_ISSUER = 'https://issuer.local.customer-deletion.invalid';
export const LOCAL_AUDIENCE = 'customer-deletion-api';
export const LOCAL_MAX_TOKEN_AGE_SECONDS = 3600;
export const DEFAULT_PORT = 3000;
export const LOCAL_TABLE_NAME = 'customer-deletion';

export const repoRoot = resolve(__dirname, '..', '..');
/** Git-ignored working state: signing keys, persisted data, the runtime files. */
export const localDir = resolve(repoRoot, '.local');
export const signingKeyFile = resolve(localDir, 'keys', 'signing-key.json');
/** The local token issuer's record of the logins the identity step disabled (a fresh one each in-memory run). */
export const loginRecordFile = resolve(localDir, 'identity', 'disabled-logins.json');
export const defaultSeedFile = resolve(repoRoot, 'test', 'fixtures', 'demo-seed.json');
/** Fake, alphanumeric credentials: DynamoDB Local refuses others. */
export const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' } as const;
