/**
 * The one list of what this service is made of: its table, its queues, its functions and the
 * routes or event sources that invoke them. The CDK stacks and the local stack both read this
 * file, so the two cannot drift. Physical names are never set here: CDK generates them in AWS,
 * and the local stack derives its own from the logical ids below.
 */

/** Every environment variable a function may need. Each value is filled by CDK (from resources
 * and stage configuration) or by the local stack; a function lists only the ones it reads. */
export type EnvName =
  | 'TABLE_NAME'
  | 'JWKS_URL'
  | 'JWT_ISSUER'
  | 'JWT_AUDIENCE'
  | 'JWT_MAX_TOKEN_AGE_SECONDS'
  | 'REVOKE_DEVICES_QUEUE_URL'
  | 'END_SESSIONS_QUEUE_URL'
  | 'SEND_EMAIL_QUEUE_URL'
  | 'MAIL_TRANSPORT'
  | 'MAIL_SENDER'
  | 'MAIL_SINK_DIR'
  | 'POWERTOOLS_SERVICE_NAME'
  | 'POWERTOOLS_LOG_LEVEL';

export const table = {
  id: 'DeletionTable',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Idempotency records expire; DynamoDB's TTL removes them. */
  ttlAttribute: 'expiresAt',
  /** The outbox relay reads new outbox items from the table's stream. */
  streamViewType: 'NEW_IMAGE',
  globalSecondaryIndexes: [
    /** Children of a customer (the 409 blockers list, the reseller's customers). */
    { indexName: 'byParent', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ],
} as const;

export type QueueId = 'revoke-devices' | 'end-sessions' | 'send-email';

export interface QueueSpec {
  id: QueueId;
  /** The environment variable that carries this queue's URL to publishers. */
  urlEnv: EnvName;
  /** Deliveries before a message moves to the DLQ. */
  maxReceiveCount: number;
  /** At least six times the consumer's timeout plus its batching window (AWS's guidance for SQS event sources). */
  visibilityTimeoutSeconds: number;
  /** How long a DLQ keeps a message for inspection and redrive. */
  dlqRetentionDays: number;
}

export const queues: readonly QueueSpec[] = [
  { id: 'revoke-devices', urlEnv: 'REVOKE_DEVICES_QUEUE_URL', maxReceiveCount: 3, visibilityTimeoutSeconds: 190, dlqRetentionDays: 14 },
  { id: 'end-sessions', urlEnv: 'END_SESSIONS_QUEUE_URL', maxReceiveCount: 3, visibilityTimeoutSeconds: 190, dlqRetentionDays: 14 },
  { id: 'send-email', urlEnv: 'SEND_EMAIL_QUEUE_URL', maxReceiveCount: 3, visibilityTimeoutSeconds: 190, dlqRetentionDays: 14 },
];

export type HttpMethod = 'GET' | 'DELETE';

interface FunctionBase {
  /** Logical name: the CDK construct id and the local stack's log label. */
  name: string;
  /** Source file, relative to the repository root; it exports `handler`. */
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
  env: readonly EnvName[];
  /** Least privilege: what the function does to the table. */
  tableAccess: 'read' | 'readWrite';
}

export interface ApiFunctionSpec extends FunctionBase {
  kind: 'api';
  routes: readonly { method: HttpMethod; path: string }[];
}

export interface QueueConsumerSpec extends FunctionBase {
  kind: 'queue-consumer';
  queue: QueueId;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Caps how many concurrent invocations the event source may start. */
  maxConcurrency: number;
}

export interface StreamConsumerSpec extends FunctionBase {
  kind: 'stream-consumer';
  /** Queues this function publishes to. */
  publishesTo: readonly QueueId[];
  batchSize: number;
  /** Lambda event filter: only these stream records reach the function (CDK and the local poller both apply it). */
  filter: { eventNames: readonly ('INSERT' | 'MODIFY' | 'REMOVE')[]; partitionKeyPrefix: string };
}

export type FunctionSpec = ApiFunctionSpec | QueueConsumerSpec | StreamConsumerSpec;

const authEnv: readonly EnvName[] = ['JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_MAX_TOKEN_AGE_SECONDS'];
const commonEnv: readonly EnvName[] = ['TABLE_NAME', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL'];

export const functions: readonly FunctionSpec[] = [
  {
    kind: 'api',
    name: 'delete-customer',
    entry: 'functions/api/delete-customer.ts',
    routes: [{ method: 'DELETE', path: '/customer/{customerId}' }],
    timeoutSeconds: 10,
    memoryMb: 1024,
    env: [...commonEnv, ...authEnv],
    tableAccess: 'readWrite',
  },
  {
    kind: 'api',
    name: 'delete-user',
    entry: 'functions/api/delete-user.ts',
    routes: [{ method: 'DELETE', path: '/api/v2/customer/{customerId}/user/{userId}' }],
    timeoutSeconds: 10,
    memoryMb: 1024,
    env: [...commonEnv, ...authEnv],
    tableAccess: 'readWrite',
  },
  {
    kind: 'api',
    name: 'get-request-status',
    entry: 'functions/api/get-request-status.ts',
    routes: [{ method: 'GET', path: '/api/v2/requests/{requestId}' }],
    timeoutSeconds: 10,
    memoryMb: 512,
    env: [...commonEnv, ...authEnv],
    tableAccess: 'read',
  },
  {
    kind: 'stream-consumer',
    name: 'outbox-relay',
    entry: 'functions/workers/outbox-relay.ts',
    publishesTo: ['revoke-devices', 'end-sessions', 'send-email'],
    batchSize: 100,
    filter: { eventNames: ['INSERT'], partitionKeyPrefix: 'OUTBOX#' },
    timeoutSeconds: 30,
    memoryMb: 512,
    env: [...commonEnv, 'REVOKE_DEVICES_QUEUE_URL', 'END_SESSIONS_QUEUE_URL', 'SEND_EMAIL_QUEUE_URL'],
    tableAccess: 'readWrite',
  },
  {
    kind: 'queue-consumer',
    name: 'revoke-devices',
    entry: 'functions/workers/revoke-devices.ts',
    queue: 'revoke-devices',
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    maxConcurrency: 5,
    timeoutSeconds: 30,
    memoryMb: 512,
    env: [...commonEnv],
    tableAccess: 'readWrite',
  },
  {
    kind: 'queue-consumer',
    name: 'end-sessions',
    entry: 'functions/workers/end-sessions.ts',
    queue: 'end-sessions',
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    maxConcurrency: 5,
    timeoutSeconds: 30,
    memoryMb: 512,
    env: [...commonEnv],
    tableAccess: 'readWrite',
  },
  {
    kind: 'queue-consumer',
    name: 'send-email',
    entry: 'functions/workers/send-email.ts',
    queue: 'send-email',
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    maxConcurrency: 2,
    timeoutSeconds: 30,
    memoryMb: 512,
    env: [...commonEnv, 'MAIL_TRANSPORT', 'MAIL_SENDER', 'MAIL_SINK_DIR'],
    tableAccess: 'readWrite',
  },
];

export const apiFunctions = functions.filter((f): f is ApiFunctionSpec => f.kind === 'api');
export const queueConsumers = functions.filter((f): f is QueueConsumerSpec => f.kind === 'queue-consumer');
export const streamConsumers = functions.filter((f): f is StreamConsumerSpec => f.kind === 'stream-consumer');

export function queueSpec(id: QueueId): QueueSpec {
  const spec = queues.find((q) => q.id === id);
  if (!spec) throw new Error(`Unknown queue ${id}`);
  return spec;
}
