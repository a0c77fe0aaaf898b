import type { DeletionMode, RequestType } from '../shared/domain/model';

/**
 * The one list of what this service is made of: its table, its cascade steps (each a queue, a DLQ
 * and a consumer), its API functions and the outbox relay. The CDK stacks, the local stack, the
 * outbox writer and relay, and the request's steps all read this file, and derive everything else
 * (queue ids, URL variables, each function's environment and grants) from it, so they cannot drift.
 * Physical names are never set here: CDK generates them in AWS, the local stack derives its own.
 */

export const table = {
  id: 'DeletionTable',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Idempotency records and consumer markers expire; DynamoDB's TTL removes them. */
  ttlAttribute: 'expiresAt',
  /** The outbox relay reads new outbox items from the table's stream. */
  streamViewType: 'NEW_IMAGE',
  globalSecondaryIndexes: [
    /** Children of a customer (the 409 blockers list, the reseller's customers). */
    { indexName: 'byParent', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Sparse: only DELETED customers waiting for their purge (`purgePk` set by a soft delete, removed by
     * a purge or a restore), by purge date: the scheduled purge's "who is due" (never a scan). */
    { indexName: 'byPurgeDate', partitionKey: 'purgePk', sortKey: 'purgeAfter' },
    /** Requests by creation time over all accounts (the ADMIN list, the SLA check, the reconciler), spread over
     * REQUEST_SHARDS partitions per state (`REQUESTS_OPEN#<n>` until the request is SUCCESS with its receipt
     * stored, then `REQUESTS_DONE#<n>`), so a bulk run writes no single hot partition and the unfinished ones are
     * read without the history. Only the filters' attributes are projected: the page itself is read from the table. */
    { indexName: 'byTime', partitionKey: 'timePk', sortKey: 'timeSk', nonKeyAttributes: ['status', 'type'] },
  ],
} as const;

/** How many partitions of `byTime` hold each state's requests (fixed: changing it would strand indexed items). */
export const REQUEST_SHARDS = 8;

/**
 * The indexes the deployed table already has. CloudFormation adds at most one global secondary index
 * per table update, so a release may add one index beyond this list, never two; after deploying it,
 * add its name here (test/infra/table-indexes.test.ts holds both to that).
 */
export const deployedIndexes: readonly IndexName[] = ['byParent', 'byPurgeDate'];

export type IndexName = (typeof table.globalSecondaryIndexes)[number]['indexName'];

/** The partition-key prefixes of the single-table key scheme (shared/adapters/dynamodb/keys.ts),
 * which IAM's `dynamodb:LeadingKeys` condition can name. */
export type KeyPrefix = 'CUSTOMER#' | 'PARENT#' | 'REQUEST#' | 'AUDIT#' | 'IDEMPOTENCY#' | 'OUTBOX#' | 'PROCESSED#';

/** The table's item-level actions a function may be granted (a TransactWriteItems needs the action of each of its items). */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem' | 'BatchWriteItem';

/**
 * What a function is linked to. A link gives the function its environment variables AND the
 * permission that goes with them (SST's `link`): one line, never one without the other.
 */
export type Link =
  /** The table: TABLE_NAME, and exactly these actions on items whose partition key starts with these prefixes. */
  | { to: 'table'; actions: readonly TableAction[]; keyPrefixes: readonly KeyPrefix[]; indexes?: readonly IndexName[] }
  /** Bearer-token verification: the issuer's kind, JWKS URL, issuer, audience or app clients, scope prefix, maximum token age. No AWS permission. */
  | { to: 'token-verifier' }
  /** A step's queue: its URL variable and `sqs:SendMessage` on it. */
  | { to: 'queue'; queue: QueueId }
  /** Sending mail through SES (the SES emulator locally): MAIL_SENDER, and `ses:SendEmail` as the stage's identity. */
  | { to: 'mail' }
  /** The identity provider: IDENTITY_PROVIDER, and in AWS exactly `cognito-idp:AdminUserGlobalSignOut`,
   * `AdminDisableUser` and `AdminEnableUser` on the stage's user pool. */
  | { to: 'identity-provider' }
  /** The deletion lifecycle's settings: RETENTION_SECONDS (how long a soft-deleted customer waits for its purge). No AWS permission. */
  | { to: 'lifecycle' }
  /** The deletion-receipt key (SPEC "Signed deletion receipt"): RECEIPT_KEY (`kms:<key ARN>` in AWS, `file:<path>`
   * locally) and, in AWS, exactly one action on that key: `sign` → RECEIPT_ISSUER and `kms:Sign`; `publish` →
   * RECEIPT_RETIRED_KEYS (the stage's retired public keys) and `kms:GetPublicKey`. */
  | { to: 'receipt-key'; use: 'sign' | 'publish' }
  /** The completion SLA (SPEC "Requests"): COMPLETION_SLA_HOURS, from which a request's `dueAt` and `overdue` follow. No AWS permission. */
  | { to: 'sla' }
  /** The reconciler's threshold: OUTBOX_REPUBLISH_AFTER_MINUTES, how old an unpublished outbox item (or an unsigned
   * receipt) must be before the reconciler sends it again. No AWS permission. */
  | { to: 'reconciler' }
  /** The step queues as an operator sees them (SPEC "Operator console"): every step queue's URL and its DLQ's
   * (`<QUEUE>_QUEUE_URL`, `<QUEUE>_DLQ_URL`) and QUEUE_REDRIVE (how a DLQ is moved back: `sqs-move-task` in AWS,
   * `copy` locally). `inspect` → `sqs:GetQueueAttributes` on the queues and DLQs; `redrive` → that, plus
   * `sqs:StartMessageMoveTask`, `ListMessageMoveTasks`, `ReceiveMessage` and `DeleteMessage` on the DLQs and
   * `sqs:SendMessage` on the queues (what a move task needs of its source and its destination). */
  | { to: 'step-queues'; use: 'inspect' | 'redrive' };

/** Which requests a step joins: a request type, optionally only in some modes. */
export interface StepMembership {
  type: RequestType;
  modes?: readonly DeletionMode[];
}

export interface QueueSettings {
  /** Deliveries before a message moves to the DLQ. */
  maxReceiveCount: number;
  /** At least six times the consumer's timeout plus its batching window (AWS's guidance for SQS event sources).
   * It is also the retry backoff: a failed record comes back when its visibility timeout ends, so a message's
   * retries span `(maxReceiveCount - 1) × visibilityTimeoutSeconds`, which must outlast a dependency outage
   * (catalog-rules.ts `retryWindowProblems`). */
  visibilityTimeoutSeconds: number;
  /** How long the queue itself keeps a message a stalled consumer has not taken (SQS's maximum is 14 days; its
   * default, 4 days, would silently drop the cascade of a consumer stalled over a long weekend). */
  retentionDays: number;
  /** How long a DLQ keeps a message for inspection and redrive. SQS counts it from the message's first
   * enqueue on the source queue, so this is at least `retentionDays`. */
  dlqRetentionDays: number;
}

interface FunctionSettings {
  /** Source file, relative to the repository root; it exports `handler`. */
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
  links: readonly Link[];
}

export interface ConsumerSettings extends FunctionSettings {
  /** The function's logical name, and its queue's id. */
  name: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Caps how many concurrent invocations the event source may start. */
  maxConcurrency: number;
}

/** One cascade step: everything about it, declared once. */
export interface StepDeclaration {
  /** The request's step name (`steps.<name>` in the request status). */
  name: string;
  /** The requests this step is part of (SPEC "Requests, steps and events"). */
  joins: readonly StepMembership[];
  /** Its event carries the subject's address, captured before the deleting transaction erases it. */
  carriesRecipient?: boolean;
  /** Its success is part of ending the subject's access: the request's `accessRevokedAt` waits for it. */
  cutsAccess?: boolean;
  queue: QueueSettings;
  consumer: ConsumerSettings;
}

/** What every cascade consumer does to the table besides its own work: its idempotency marker and its request step. */
const stepBookkeeping: Link = {
  to: 'table',
  actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
  keyPrefixes: ['PROCESSED#', 'REQUEST#'],
};
/** What the delete functions write in one transaction: the target, its parent, audit, request, outbox, idempotency key. */
const deletionWrites: Link = {
  to: 'table',
  // BatchGetItem: the actor's standing (its account and login), read on the way to a refusal.
  actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
  keyPrefixes: ['CUSTOMER#', 'AUDIT#', 'REQUEST#', 'IDEMPOTENCY#', 'OUTBOX#', 'PARENT#'],
  indexes: ['byParent'],
};
const DELETIONS: readonly StepMembership[] = [{ type: 'customer.delete' }, { type: 'user.delete' }];
/**
 * Retries ride out a 10-minute SES or DynamoDB outage without turning steps FAILED: a failed record is retried
 * when its visibility timeout ends (300 s: the backoff, which also keeps SES sends under a throttled account's
 * rate, with send-email's concurrency of 2), so five deliveries span 4 × 300 s = 20 minutes, twice the outage
 * (catalog-rules.ts OUTAGE_TO_RIDE_OUT_SECONDS). Each SDK call retries on its own first (standard mode, backoff).
 */
const standardQueue: QueueSettings = { maxReceiveCount: 5, visibilityTimeoutSeconds: 300, retentionDays: 14, dlqRetentionDays: 14 };
const standardConsumer = { timeoutSeconds: 30, memoryMb: 512, batchSize: 10, maxBatchingWindowSeconds: 1, maxConcurrency: 5 } as const;

export const steps = [
  {
    // Ends the subject's logins at the identity provider: their sessions there, then the login itself.
    name: 'identity',
    // A restore enables again the logins the deletion disabled (those the table still has ACTIVE).
    joins: [...DELETIONS, { type: 'customer.restore' }],
    cutsAccess: true,
    queue: standardQueue,
    consumer: {
      ...standardConsumer,
      name: 'disable-logins',
      entry: 'functions/workers/disable-logins.ts',
      links: [stepBookkeeping, { to: 'table', actions: ['Query'], keyPrefixes: ['CUSTOMER#'] }, { to: 'identity-provider' }],
    },
  },
  {
    name: 'devices',
    joins: DELETIONS,
    cutsAccess: true,
    queue: standardQueue,
    consumer: {
      ...standardConsumer,
      name: 'revoke-devices',
      entry: 'functions/workers/revoke-devices.ts',
      links: [stepBookkeeping, { to: 'table', actions: ['Query', 'UpdateItem'], keyPrefixes: ['CUSTOMER#'] }],
    },
  },
  {
    name: 'sessions',
    joins: DELETIONS,
    cutsAccess: true,
    queue: standardQueue,
    consumer: {
      ...standardConsumer,
      name: 'end-sessions',
      entry: 'functions/workers/end-sessions.ts',
      links: [stepBookkeeping, { to: 'table', actions: ['Query', 'UpdateItem'], keyPrefixes: ['CUSTOMER#'] }],
    },
  },
  {
    name: 'email',
    // A purge's notice says the personal data is now erased; it goes to the address the purge read.
    // A restore's notice says the account is back.
    joins: [...DELETIONS, { type: 'customer.purge' }, { type: 'customer.restore' }],
    carriesRecipient: true,
    queue: standardQueue,
    consumer: {
      ...standardConsumer,
      // SES's sending rate is the limit, not Lambda.
      maxConcurrency: 2,
      name: 'send-email',
      entry: 'functions/workers/send-email.ts',
      links: [stepBookkeeping, { to: 'table', actions: ['GetItem'], keyPrefixes: ['CUSTOMER#'] }, { to: 'mail' }],
    },
  },
  {
    // A hard delete's transaction erases as many logins as it has room for; this step erases the rest.
    name: 'erasure',
    joins: [{ type: 'customer.delete', modes: ['hard'] }, { type: 'customer.purge' }],
    queue: standardQueue,
    consumer: {
      ...standardConsumer,
      name: 'erase-logins',
      entry: 'functions/workers/erase-logins.ts',
      links: [stepBookkeeping, { to: 'table', actions: ['Query', 'UpdateItem'], keyPrefixes: ['CUSTOMER#'] }],
    },
  },
  {
    // A bulk deletion (SPEC "Bulk deletion"): its one event becomes one v1 deletion per customer, children
    // before parents, each decided and committed by the same DeletionService as DELETE /customer/{id}; each
    // item's outcome is recorded beside the batch, so a run cut short resumes where it stopped.
    name: 'split',
    joins: [{ type: 'batch' }],
    // Visibility: six times the timeout. A run cut short is retried after it, resuming from the recorded outcomes.
    queue: { maxReceiveCount: 5, visibilityTimeoutSeconds: 1800, retentionDays: 14, dlqRetentionDays: 14 },
    consumer: {
      name: 'split-batch',
      entry: 'functions/workers/split-batch.ts',
      // A run stops starting deletions 30 s before this, and is retried for the rest.
      timeoutSeconds: 300,
      memoryMb: 1024,
      // One batch at a time per invocation; its deletions run concurrently inside it.
      batchSize: 1,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: 2,
      // The deletions' own writes (as delete-customer's), its lifecycle settings, and its bookkeeping:
      // Query of the batch's partition, PutItem of an item's outcome (REQUEST#, both in the links below).
      // BatchWriteItem: the items' outcomes, recorded 25 at a time under the batch request's own partition.
      links: [stepBookkeeping, deletionWrites, { to: 'table', actions: ['BatchWriteItem'], keyPrefixes: ['REQUEST#'] }, { to: 'lifecycle' }],
    },
  },
] as const satisfies readonly StepDeclaration[];

export type StepName = (typeof steps)[number]['name'];
export type QueueId = (typeof steps)[number]['consumer']['name'];

/** A step's queue, as the messaging stack and the local stack create it (with its DLQ). */
export interface QueueSpec extends QueueSettings {
  id: QueueId;
  step: StepName;
}

// The `@__PURE__` marks on this module's derived values (here, queueConsumers and functions): the Lambda bundles import a
// few names from it (REQUEST_SHARDS, stepsFor, SERVICE_METRICS...), and esbuild leaves out what a bundle does not use
// only when building it cannot have a side effect, which it cannot tell of a call or an array spread. Without the marks,
// every API function carried every function's declaration (5 KB of delete-customer's bundle).
export const queues: readonly QueueSpec[] = /* @__PURE__ */ steps.map((step) => ({ id: step.consumer.name, step: step.name, ...step.queue }));
export const queueIds: readonly QueueId[] = /* @__PURE__ */ queues.map((queue) => queue.id);

export function queueSpec(id: QueueId): QueueSpec {
  const spec = queues.find((queue) => queue.id === id);
  if (!spec) throw new Error(`Unknown queue ${id}`);
  return spec;
}

/** The environment variable that carries a step queue's URL to the relay. */
export function queueUrlVariable(queue: QueueId): `${string}_QUEUE_URL` {
  return `${queue.toUpperCase().replace(/-/g, '_')}_QUEUE_URL`;
}

/** The environment variable that carries a step queue's DLQ URL to the operator's queue functions. */
export function dlqUrlVariable(queue: QueueId): `${string}_DLQ_URL` {
  return `${queue.toUpperCase().replace(/-/g, '_')}_DLQ_URL`;
}

export function stepByName(name: string): StepDeclaration {
  const step = steps.find((s) => s.name === name);
  if (!step) throw new Error(`No cascade step ${name} in the catalog`);
  return step;
}

export function stepOfQueue(queue: string): StepDeclaration {
  const step = steps.find((s) => s.consumer.name === queue);
  if (!step) throw new Error(`No cascade step consumes queue ${queue}`);
  return step;
}

/** The steps a request of this type (and mode) runs, in declaration order: its initial steps, and what its SUCCESS waits for. */
export function stepsFor(type: RequestType, mode: DeletionMode): StepDeclaration[] {
  return steps.filter((step) => step.joins.some((m: StepMembership) => m.type === type && (m.modes === undefined || m.modes.includes(mode))));
}

export type HttpMethod = 'GET' | 'DELETE' | 'POST' | 'PUT';

interface FunctionBase extends FunctionSettings {
  /** Logical name: the CDK construct id and the local stack's log label. */
  name: string;
}

export interface ApiFunctionSpec extends FunctionBase {
  kind: 'api';
  routes: readonly { method: HttpMethod; path: string }[];
}

export interface QueueConsumerSpec extends FunctionBase {
  kind: 'queue-consumer';
  queue: QueueId;
  step: StepName;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  maxConcurrency: number;
}

export interface StreamConsumerSpec extends FunctionBase {
  kind: 'stream-consumer';
  batchSize: number;
  /** Lambda event filter: only these stream records reach the function (CDK and the local poller both apply it). */
  filter: {
    eventNames: readonly ('INSERT' | 'MODIFY' | 'REMOVE')[];
    partitionKeyPrefix: KeyPrefix;
    /** Only records whose new image has this attribute set to boolean true. */
    newImageFlag?: string;
  };
}

/** A function Amazon Cognito invokes, not this service: deployed only for a stage whose issuer is a
 * Cognito user pool that asks for it, never part of `functions` (the local stack has no user pool). */
export interface CognitoTriggerSpec extends FunctionBase {
  kind: 'cognito-trigger';
  /** The user pool trigger it serves, and the event version it expects. */
  trigger: 'PreTokenGeneration';
  eventVersion: 'V2_0';
}

/** A function run on a timer: an EventBridge Scheduler schedule in AWS, a timer in the local stack. */
export interface ScheduleSpec extends FunctionBase {
  kind: 'schedule';
  /** How often AWS runs it (minutes). */
  rateMinutes: number;
  /** How often the local stack runs it while it is up (milliseconds); without it the local stack never runs it on
   * a timer (its tests stay deterministic), only by hand (`runOnce()`, or a CLI such as `npm run reconcile`). */
  localIntervalMs?: number;
}

export type FunctionSpec = ApiFunctionSpec | QueueConsumerSpec | StreamConsumerSpec | CognitoTriggerSpec | ScheduleSpec;


export const apiFunctions: readonly ApiFunctionSpec[] = [
  {
    kind: 'api',
    name: 'delete-customer',
    entry: 'functions/api/delete-customer.ts',
    routes: [{ method: 'DELETE', path: '/customer/{customerId}' }],
    timeoutSeconds: 10,
    memoryMb: 1024,
    // lifecycle: a soft delete stamps the customer's purge date.
    links: [{ to: 'token-verifier' }, deletionWrites, { to: 'lifecycle' }],
  },
  {
    kind: 'api',
    name: 'delete-user',
    entry: 'functions/api/delete-user.ts',
    routes: [{ method: 'DELETE', path: '/api/v2/customer/{customerId}/user/{userId}' }],
    timeoutSeconds: 10,
    memoryMb: 1024,
    links: [{ to: 'token-verifier' }, deletionWrites],
  },
  {
    kind: 'api',
    name: 'get-request-status',
    entry: 'functions/api/get-request-status.ts',
    routes: [{ method: 'GET', path: '/api/v2/requests/{requestId}' }],
    timeoutSeconds: 10,
    memoryMb: 512,
    // One BatchGetItem: the request, and the actor's account and login (its standing); a batch's items: one
    // Query of its partition.
    links: [
      { to: 'token-verifier' },
      { to: 'sla' },
      { to: 'table', actions: ['BatchGetItem'], keyPrefixes: ['REQUEST#', 'CUSTOMER#'] },
      { to: 'table', actions: ['Query'], keyPrefixes: ['REQUEST#'] },
    ],
  },
  {
    kind: 'api',
    name: 'bulk-delete',
    entry: 'functions/api/bulk-delete.ts',
    routes: [{ method: 'POST', path: '/api/v2/customers/deletions' }],
    timeoutSeconds: 10,
    memoryMb: 512,
    // One transaction: the batch request, its one outbox event and its Idempotency-Key, conditional on the
    // actor's standing (ConditionCheckItem on its account and login); BatchGetItem: the standing on a refusal.
    links: [{ to: 'token-verifier' }, { to: 'table', actions: ['BatchGetItem', 'PutItem', 'ConditionCheckItem'], keyPrefixes: ['CUSTOMER#', 'REQUEST#', 'OUTBOX#', 'IDEMPOTENCY#'] }],
  },
  {
    kind: 'api',
    name: 'list-requests',
    entry: 'functions/api/list-requests.ts',
    routes: [{ method: 'GET', path: '/api/v2/requests' }],
    timeoutSeconds: 10,
    memoryMb: 512,
    // Queries of the account's partition of byParent, or of byTime's shards (keys and counts only), then one
    // BatchGetItem: the page's requests and the actor's standing.
    links: [{ to: 'token-verifier' }, { to: 'sla' }, { to: 'table', actions: ['BatchGetItem'], keyPrefixes: ['REQUEST#', 'CUSTOMER#'], indexes: ['byParent', 'byTime'] }],
  },
  {
    kind: 'api',
    name: 'get-customer',
    entry: 'functions/api/get-customer.ts',
    routes: [{ method: 'GET', path: '/customer/{customerId}' }],
    timeoutSeconds: 10,
    memoryMb: 512,
    // One BatchGetItem: the customer and the actor's account and login (its standing); one paged
    // Query of the customer's partition: the counts of its users, devices and sessions.
    links: [{ to: 'token-verifier' }, { to: 'table', actions: ['BatchGetItem', 'Query'], keyPrefixes: ['CUSTOMER#'] }],
  },
  {
    kind: 'api',
    name: 'get-audit-trail',
    entry: 'functions/api/get-audit-trail.ts',
    routes: [{ method: 'GET', path: '/api/v2/customer/{customerId}/audit' }],
    timeoutSeconds: 10,
    memoryMb: 512,
    // One BatchGetItem: the customer and the actor's standing; Queries of the customer's audit partition (counts and the page).
    links: [
      { to: 'token-verifier' },
      { to: 'table', actions: ['BatchGetItem'], keyPrefixes: ['CUSTOMER#'] },
      { to: 'table', actions: ['Query'], keyPrefixes: ['AUDIT#'] },
    ],
  },
  {
    kind: 'api',
    name: 'get-request-receipt',
    entry: 'functions/api/get-request-receipt.ts',
    routes: [{ method: 'GET', path: '/api/v2/requests/{requestId}/receipt' }],
    timeoutSeconds: 10,
    memoryMb: 512,
    // The stored receipt is on the request item: the same one BatchGetItem as the status read.
    links: [{ to: 'token-verifier' }, { to: 'table', actions: ['BatchGetItem'], keyPrefixes: ['REQUEST#', 'CUSTOMER#'] }],
  },
  {
    kind: 'api',
    name: 'receipt-keys',
    entry: 'functions/api/receipt-keys.ts',
    // No authentication: anyone holding a receipt may verify it.
    routes: [{ method: 'GET', path: '/.well-known/deletion-receipt-keys.json' }],
    timeoutSeconds: 10,
    memoryMb: 256,
    links: [{ to: 'receipt-key', use: 'publish' }],
  },
  {
    kind: 'api',
    name: 'restore-customer',
    entry: 'functions/api/restore-customer.ts',
    routes: [{ method: 'POST', path: '/customer/{customerId}/restore' }],
    timeoutSeconds: 10,
    memoryMb: 1024,
    // One transaction: the customer and its parent, audit, request, outbox (no Idempotency-Key, no
    // index query). GetItem: the customer first; BatchGetItem: the actor's standing on a refusal.
    links: [
      { to: 'token-verifier' },
      { to: 'table', actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem'], keyPrefixes: ['CUSTOMER#', 'AUDIT#', 'REQUEST#', 'OUTBOX#'] },
    ],
  },
  {
    kind: 'api',
    name: 'legal-hold',
    entry: 'functions/api/legal-hold.ts',
    routes: [
      { method: 'PUT', path: '/customer/{customerId}/legal-hold' },
      { method: 'DELETE', path: '/customer/{customerId}/legal-hold' },
    ],
    timeoutSeconds: 10,
    memoryMb: 512,
    // One transaction: the customer's legalHold and its audit record (PutItem; also a refusal's audit);
    // BatchGetItem: the actor's standing on a refusal.
    links: [{ to: 'token-verifier' }, { to: 'table', actions: ['BatchGetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem'], keyPrefixes: ['CUSTOMER#', 'AUDIT#'] }],
  },
  {
    kind: 'api',
    name: 'openapi',
    entry: 'functions/api/openapi.ts',
    // No authentication: the contract is public (SPEC "Contracts"). Built from the route contracts in memory: no link.
    routes: [{ method: 'GET', path: '/openapi.json' }],
    timeoutSeconds: 10,
    memoryMb: 256,
    links: [],
  },
  {
    kind: 'api',
    name: 'ops-queues',
    entry: 'functions/api/ops-queues.ts',
    // The operator console's queue view: each step queue's and its DLQ's depth (ADMIN, scope ops:redrive).
    routes: [{ method: 'GET', path: '/api/v2/ops/queues' }],
    timeoutSeconds: 10,
    memoryMb: 256,
    // One BatchGetItem: the actor's standing (a read pays one batched read for it).
    links: [{ to: 'token-verifier' }, { to: 'table', actions: ['BatchGetItem'], keyPrefixes: ['CUSTOMER#'] }, { to: 'step-queues', use: 'inspect' }],
  },
  {
    kind: 'api',
    name: 'ops-redrive',
    entry: 'functions/api/ops-redrive.ts',
    // Moves a step queue's DLQ back to the queue (ADMIN, scope ops:redrive); its own function, so the
    // depth view's role cannot move messages.
    routes: [{ method: 'POST', path: '/api/v2/ops/queues/{queue}/redrive' }],
    timeoutSeconds: 30,
    memoryMb: 256,
    links: [{ to: 'token-verifier' }, { to: 'table', actions: ['BatchGetItem'], keyPrefixes: ['CUSTOMER#'] }, { to: 'step-queues', use: 'redrive' }],
  },
];

/** The outbox relay: a link to every step's queue, derived, so a new step is published to without a second edit. */
export const outboxRelay: StreamConsumerSpec = {
  kind: 'stream-consumer',
  name: 'outbox-relay',
  entry: 'functions/workers/outbox-relay.ts',
  batchSize: 100,
  filter: { eventNames: ['INSERT'], partitionKeyPrefix: 'OUTBOX#' },
  timeoutSeconds: 30,
  memoryMb: 512,
  links: [...steps.map((step): Link => ({ to: 'queue', queue: step.consumer.name })), { to: 'table', actions: ['DeleteItem'], keyPrefixes: ['OUTBOX#'] }],
};

export const queueConsumers: readonly QueueConsumerSpec[] = /* @__PURE__ */ steps.map(
  (step): QueueConsumerSpec => ({ kind: 'queue-consumer', ...step.consumer, queue: step.consumer.name, step: step.name }),
);
/**
 * Signs a request's deletion receipt once it is SUCCESS (SPEC "Signed deletion receipt"). Why a
 * stream consumer and not the step worker that completes the last step: the worker's write is a
 * DynamoDB transaction with its idempotency marker, and a KMS call does not belong inside it (nor
 * can it be rolled back); signing after the write would lose the receipt if the worker died in
 * between, since the marker already says the event was handled. So the progress store sets
 * `receiptPending` in the very write that makes the request SUCCESS, and this consumer, fed by the
 * table stream filtered on that flag, signs and stores the receipt with `attribute_not_exists(receipt)`
 * (REMOVE receiptPending): a retried or duplicate record never stores a second receipt, and a failed
 * one is retried by the stream, then lands on the relay-failures queue while the flag stays on the item.
 * GetItem on CUSTOMER#: a soft delete's receipt names the customer's purge date.
 */
export const receiptSigner: StreamConsumerSpec = {
  kind: 'stream-consumer',
  name: 'receipt-signer',
  entry: 'functions/workers/receipt-signer.ts',
  batchSize: 10,
  filter: { eventNames: ['MODIFY'], partitionKeyPrefix: 'REQUEST#', newImageFlag: 'receiptPending' },
  timeoutSeconds: 30,
  memoryMb: 512,
  links: [
    { to: 'table', actions: ['GetItem', 'UpdateItem'], keyPrefixes: ['REQUEST#'] },
    { to: 'table', actions: ['GetItem'], keyPrefixes: ['CUSTOMER#'] },
    { to: 'receipt-key', use: 'sign' },
  ],
};

export const streamConsumers: readonly StreamConsumerSpec[] = [outboxRelay, receiptSigner];

/**
 * The scheduled purge (SPEC "Lifecycle"): finds the DELETED customers whose `purgeAfter` has passed
 * through the sparse `byPurgeDate` index and purges each in one transaction, as a purge now does
 * (the customer and the users the transaction holds erased, tombstone, audit, request, outbox; the
 * actor's standing checked). Nothing more: no idempotency keys, no other index, no delete.
 */
export const purgeDue: ScheduleSpec = {
  kind: 'schedule',
  name: 'purge-due',
  entry: 'functions/schedule/purge-due.ts',
  rateMinutes: 60,
  localIntervalMs: 2000,
  timeoutSeconds: 300,
  memoryMb: 512,
  links: [
    {
      to: 'table',
      // BatchGetItem: the actor's standing, read on the way to a refusal (a race with a legal hold).
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
      keyPrefixes: ['CUSTOMER#', 'AUDIT#', 'REQUEST#', 'OUTBOX#'],
      indexes: ['byPurgeDate'],
    },
  ],
};

/**
 * The reconciler (SPEC "Requests"; issue 13 #5, #6): what recovers a stuck cascade. Every run reads the open
 * requests older than its threshold from byTime's OPEN shards (keys, status; never a scan) and
 * (a) republishes the outbox items of each that the relay never removed (Query of `OUTBOX#<requestId>`, then the
 *     relay's own publish to the step's queue and DeleteItem; consumers dedupe on eventId),
 * (b) asks again for each SUCCESS request's receipt still pending (UpdateItem of `REQUEST#`: a new MODIFY record
 *     with `receiptPending` reaches the receipt signer),
 * (c) counts the overdue ones (not SUCCESS past `createdAt + COMPLETION_SLA_HOURS`),
 * and publishes the three counts as metrics (RECONCILER_METRICS), which the monitoring stack alarms on.
 * No local timer: the local stack runs it by hand (`npm run reconcile`).
 */
export const reconcile: ScheduleSpec = {
  kind: 'schedule',
  name: 'reconcile',
  entry: 'functions/schedule/reconcile.ts',
  rateMinutes: 5,
  timeoutSeconds: 120,
  memoryMb: 512,
  links: [
    { to: 'sla' },
    { to: 'reconciler' },
    ...steps.map((step): Link => ({ to: 'queue', queue: step.consumer.name })),
    { to: 'table', actions: ['Query', 'DeleteItem'], keyPrefixes: ['OUTBOX#'] },
    { to: 'table', actions: ['UpdateItem'], keyPrefixes: ['REQUEST#'], indexes: ['byTime'] },
  ],
};

/** The reconciler's CloudWatch metrics (EMF through Powertools Metrics, dimensions `service` and `function_name`):
 * declared once, published by the reconcile function, alarmed on by the monitoring stack. */
export const RECONCILER_METRICS = {
  namespace: 'CustomerDeletion',
  overdueRequests: 'OverdueRequests',
  republishedEvents: 'RepublishedEvents',
  reaskedReceipts: 'ReaskedReceipts',
} as const;

/**
 * The service's business metrics (EMF through Powertools Metrics, shared/observability/metrics.ts), declared once:
 * published by the functions, read by the monitoring stack's dashboard and alarms. Every datapoint carries `service`
 * and `function_name` (as the reconciler's: the function's name keeps one stage apart from another in a shared
 * account) and the dimensions listed beside it, whose values are codes, types, modes and step names only: never an id.
 */
export const SERVICE_METRICS = {
  namespace: RECONCILER_METRICS.namespace,
  /** A request committed (its audit, request and outbox event in one transaction); dimensions `type`, `mode`. */
  deletionsAccepted: 'DeletionsAccepted',
  /** A 4xx answer; dimension `code` (the v1 `code` or the v2 `errorCode` the caller received). */
  refusals: 'Refusals',
  /** Milliseconds from a request's creation to its SUCCESS; dimension `type`. Published by the step that completes it. */
  timeToSuccess: 'TimeToSuccess',
  /** Milliseconds from a request's creation to `accessRevokedAt` (its last access step); dimension `type`. */
  timeToAccessCutOff: 'TimeToAccessCutOff',
  /** A failed step attempt; dimensions `step` and `outcome` (`will-retry`, or `failed` when it was the last). */
  stepFailures: 'StepFailures',
} as const;

/** The dimensions each business metric carries besides `service` and `function_name`, in the order published. */
export const SERVICE_METRIC_DIMENSIONS = {
  deletionsAccepted: ['type', 'mode'],
  refusals: ['code'],
  timeToSuccess: ['type'],
  timeToAccessCutOff: ['type'],
  stepFailures: ['step', 'outcome'],
} as const satisfies Record<Exclude<keyof typeof SERVICE_METRICS, 'namespace'>, readonly string[]>;

export const schedules: readonly ScheduleSpec[] = [purgeDue, reconcile];
// concat, not a spread: a call can be marked pure (see `queues`), a spread cannot.
export const functions: readonly FunctionSpec[] = /* @__PURE__ */ ([] as FunctionSpec[]).concat(apiFunctions, streamConsumers, queueConsumers, schedules);

/** Adds `role` and `accountId` to a Cognito user pool's access tokens (SPEC "Cognito as the issuer"). No link: it reads only its event. */
export const preTokenGenerationTrigger: CognitoTriggerSpec = {
  kind: 'cognito-trigger',
  name: 'pre-token-generation',
  entry: 'functions/auth/pre-token-generation.ts',
  trigger: 'PreTokenGeneration',
  eventVersion: 'V2_0',
  // On the sign-in path of every user of the pool: Cognito waits at most 5 seconds for a trigger.
  timeoutSeconds: 5,
  memoryMb: 256,
  links: [],
};

export function functionSpec(name: string): FunctionSpec {
  const spec = functions.find((fn) => fn.name === name);
  if (!spec) throw new Error(`No function ${name} in the catalog`);
  return spec;
}

export function consumerOf(step: StepName): QueueConsumerSpec {
  const spec = queueConsumers.find((fn) => fn.step === step);
  if (!spec) throw new Error(`No consumer for step ${step}`);
  return spec;
}

/** Variables every function gets: its logger's service name and level. */
export const COMMON_VARIABLES = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL'] as const;
/** The same seven for either issuer kind (JWT_ISSUER_KIND `oidc` or `cognito`): a variable the kind does
 * not use is `-` (JWT_CLIENT_IDS and JWT_SCOPE_PREFIX for oidc, JWT_AUDIENCE for cognito). */
export const TOKEN_VERIFIER_VARIABLES = [
  'JWT_ISSUER_KIND',
  'JWKS_URL',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWT_CLIENT_IDS',
  'JWT_SCOPE_PREFIX',
  'JWT_MAX_TOKEN_AGE_SECONDS',
] as const;
export const MAIL_VARIABLES = ['MAIL_SENDER'] as const;
/** `cognito:<userPoolId>` in AWS, `local:<file>` (the local token issuer's record) in the local stack. */
export const IDENTITY_PROVIDER_VARIABLES = ['IDENTITY_PROVIDER'] as const;
/** Seconds a soft-deleted customer is kept before its purge: the stage's `lifecycle.retentionDays` in AWS, `--retention-seconds` locally. */
export const LIFECYCLE_VARIABLES = ['RETENTION_SECONDS'] as const;
/** The receipt key's source (`kms:<key ARN>` or `file:<path>`), the receipts' `iss`, and the retired public keys (a JSON array of JWKs) the keys route still lists. */
export const RECEIPT_SIGN_VARIABLES = ['RECEIPT_KEY', 'RECEIPT_ISSUER'] as const;
export const RECEIPT_PUBLISH_VARIABLES = ['RECEIPT_KEY', 'RECEIPT_RETIRED_KEYS'] as const;
/** Hours a request has to reach SUCCESS: the stage's `completionSlaHours` (default 24). */
export const SLA_VARIABLES = ['COMPLETION_SLA_HOURS'] as const;
/** Minutes after which the reconciler republishes an outbox item the relay never removed: the stage's `reconciler.republishAfterMinutes` (default 15). */
export const RECONCILER_VARIABLES = ['OUTBOX_REPUBLISH_AFTER_MINUTES'] as const;
/** How a DLQ is moved back to its queue: `sqs-move-task` (StartMessageMoveTask) in AWS, `copy` in the local stack. */
export const STEP_QUEUES_VARIABLES = ['QUEUE_REDRIVE'] as const;

export type EnvName =
  | (typeof COMMON_VARIABLES)[number]
  | 'TABLE_NAME'
  | (typeof TOKEN_VERIFIER_VARIABLES)[number]
  | (typeof MAIL_VARIABLES)[number]
  | (typeof IDENTITY_PROVIDER_VARIABLES)[number]
  | (typeof LIFECYCLE_VARIABLES)[number]
  | (typeof RECEIPT_SIGN_VARIABLES)[number]
  | (typeof RECEIPT_PUBLISH_VARIABLES)[number]
  | (typeof SLA_VARIABLES)[number]
  | (typeof RECONCILER_VARIABLES)[number]
  | (typeof STEP_QUEUES_VARIABLES)[number]
  | `${string}_QUEUE_URL`
  | `${string}_DLQ_URL`;

/** The variables one link gives a function. */
export function linkVariables(link: Link): EnvName[] {
  switch (link.to) {
    case 'table':
      return ['TABLE_NAME'];
    case 'token-verifier':
      return [...TOKEN_VERIFIER_VARIABLES];
    case 'queue':
      return [queueUrlVariable(link.queue)];
    case 'mail':
      return [...MAIL_VARIABLES];
    case 'identity-provider':
      return [...IDENTITY_PROVIDER_VARIABLES];
    case 'lifecycle':
      return [...LIFECYCLE_VARIABLES];
    case 'receipt-key':
      return link.use === 'sign' ? [...RECEIPT_SIGN_VARIABLES] : [...RECEIPT_PUBLISH_VARIABLES];
    case 'sla':
      return [...SLA_VARIABLES];
    case 'reconciler':
      return [...RECONCILER_VARIABLES];
    case 'step-queues':
      return [...queueIds.flatMap((id) => [queueUrlVariable(id), dlqUrlVariable(id)]), ...STEP_QUEUES_VARIABLES];
  }
}

/** Exactly the variables a function's declaration gives it: common ones plus those of its links. */
export function variablesOf(spec: Pick<FunctionSpec, 'links'>): EnvName[] {
  return [...new Set<EnvName>([...COMMON_VARIABLES, ...spec.links.flatMap(linkVariables)])];
}

export type TableLink = Extract<Link, { to: 'table' }>;

/** A function's table links: each becomes one IAM statement (its actions, on its key prefixes), never merged into a cross product. */
export function tableLinksOf(spec: Pick<FunctionSpec, 'links'>): TableLink[] {
  return spec.links.filter((link): link is TableLink => link.to === 'table');
}
