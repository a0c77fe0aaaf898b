import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { apiFunctions, functions, functionSpec, queueConsumers, queues, queueUrlVariable, steps, streamConsumers, table, type FunctionSpec } from '../../infra/catalog';
import { minimumVisibilityTimeoutSeconds } from '../../infra/config/catalog-rules';
import { stageConfig } from '../../infra/config/stages';
import { installedPowertoolsVersion, LAZY_RUNTIME_MODULES, powertoolsLayerParameter } from '../../infra/constructs/node-function';
import { pascal } from '../../infra/stacks/messaging-stack';
import { RELAY_RETRY_ATTEMPTS } from '../../infra/stacks/workers-stack';
import { assertResource, assertResourceCount, assertResourceProperties, resourcesOfType, synthesizeService, type StackKey, type SynthesizedService } from './support/service-app';

/** The dev stage, bundled for real (the bundles are checked at the end). One synth for the file. */
const config = stageConfig('dev');
let service: SynthesizedService;
let t: Record<StackKey, Template>;

beforeAll(() => {
  service = synthesizeService(config, { bundle: true, cfnValidation: true });
  t = service.templates;
}, 120_000);

afterAll(() => service?.cleanup());

const DELETE_CUSTOMER_BUDGET_BYTES = 350 * 1024;

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Condition?: { 'ForAllValues:StringLike'?: { 'dynamodb:LeadingKeys'?: string | string[] }; 'ForAnyValue:StringLike'?: { 'dynamodb:LeadingKeys'?: string | string[] } };
}

interface LambdaResource {
  Properties: {
    Description: string;
    Role: { 'Fn::GetAtt': [string, string] };
    LoggingConfig: { LogGroup: { Ref: string } };
    Environment: { Variables: Record<string, unknown> };
    Code: { S3Key: string };
    [property: string]: unknown;
  };
}

interface PolicyResource {
  Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
}

function stackOf(spec: FunctionSpec): StackKey {
  return spec.kind === 'api' ? 'api' : 'workers';
}

/** The Lambda function of a catalog entry (its description names the entry). */
function lambdaOf(spec: FunctionSpec): { id: string; resource: LambdaResource } {
  const matches = Object.entries(resourcesOfType(t[stackOf(spec)], 'AWS::Lambda::Function')).filter(([, r]) =>
    String(r.Properties?.Description).startsWith(`${spec.name} (`),
  );
  expect(matches).toHaveLength(1);
  const [id, resource] = matches[0] as unknown as [string, LambdaResource];
  return { id, resource };
}

/** Every statement of the inline policies attached to a function's role. */
function statementsOf(spec: FunctionSpec): Statement[] {
  const roleId = lambdaOf(spec).resource.Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(resourcesOfType(t[stackOf(spec)], 'AWS::IAM::Policy')) as unknown as PolicyResource[];
  return policies.filter((p) => p.Properties.Roles.some((r) => r.Ref === roleId)).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** What a function's role allows (the audit Deny every role carries aside). */
function actionsOf(spec: FunctionSpec): string[] {
  return statementsOf(spec).filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/** The logical id of the one resource of a type whose construct path is `<id>/<child>` (CDK makes
 * the logical id from the path plus an 8-hex-digit hash). */
function logicalIdIn(stack: StackKey, type: string, constructId: string): string {
  const pattern = new RegExp(`^${constructId}[0-9A-F]{8}$`);
  const ids = Object.keys(t[stack].findResources(type)).filter((id) => pattern.test(id));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

const COMMON = ['POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME'];
const TOKEN_VERIFIER = ['JWKS_URL', 'JWT_AUDIENCE', 'JWT_CLIENT_IDS', 'JWT_ISSUER', 'JWT_ISSUER_KIND', 'JWT_MAX_TOKEN_AGE_SECONDS', 'JWT_SCOPE_PREFIX'];

const STEP_QUEUE_URLS = ['DISABLE_LOGINS', 'REVOKE_DEVICES', 'END_SESSIONS', 'SEND_EMAIL', 'ERASE_LOGINS', 'SPLIT_BATCH'].flatMap((q) => [`${q}_QUEUE_URL`, `${q}_DLQ_URL`]);

/** Each function's application variables (NODE_OPTIONS aside), as its links should give them. */
const EXPECTED_VARIABLES: Record<string, readonly string[]> = {
  'delete-customer': [...COMMON, ...TOKEN_VERIFIER, 'TABLE_NAME', 'RETENTION_SECONDS'],
  'delete-user': [...COMMON, ...TOKEN_VERIFIER, 'TABLE_NAME'],
  'get-request-status': [...COMMON, ...TOKEN_VERIFIER, 'TABLE_NAME', 'COMPLETION_SLA_HOURS'],
  'list-requests': [...COMMON, ...TOKEN_VERIFIER, 'TABLE_NAME', 'COMPLETION_SLA_HOURS'],
  'get-request-receipt': [...COMMON, ...TOKEN_VERIFIER, 'TABLE_NAME'],
  'receipt-keys': [...COMMON, 'RECEIPT_KEY', 'RECEIPT_RETIRED_KEYS'],
  // The OpenAPI document is built in memory from the route contracts: no link, no variable of its own.
  openapi: [...COMMON],
  'receipt-signer': [...COMMON, 'TABLE_NAME', 'RECEIPT_KEY', 'RECEIPT_ISSUER'],
  'get-customer': [...COMMON, ...TOKEN_VERIFIER, 'TABLE_NAME'],
  'get-audit-trail': [...COMMON, ...TOKEN_VERIFIER, 'TABLE_NAME'],
  'restore-customer': [...COMMON, ...TOKEN_VERIFIER, 'TABLE_NAME'],
  'legal-hold': [...COMMON, ...TOKEN_VERIFIER, 'TABLE_NAME'],
  // The operator's queue view and redrive: every step queue's URL and its DLQ's, and how a DLQ goes back.
  'ops-queues': [...COMMON, ...TOKEN_VERIFIER, 'TABLE_NAME', ...STEP_QUEUE_URLS, 'QUEUE_REDRIVE'],
  'ops-redrive': [...COMMON, ...TOKEN_VERIFIER, 'TABLE_NAME', ...STEP_QUEUE_URLS, 'QUEUE_REDRIVE'],
  'bulk-delete': [...COMMON, ...TOKEN_VERIFIER, 'TABLE_NAME'],
  'outbox-relay': [
    ...COMMON,
    'TABLE_NAME',
    'DISABLE_LOGINS_QUEUE_URL',
    'REVOKE_DEVICES_QUEUE_URL',
    'END_SESSIONS_QUEUE_URL',
    'SEND_EMAIL_QUEUE_URL',
    'ERASE_LOGINS_QUEUE_URL',
    'SPLIT_BATCH_QUEUE_URL',
  ],
  'split-batch': [...COMMON, 'TABLE_NAME', 'RETENTION_SECONDS'],
  'disable-logins': [...COMMON, 'TABLE_NAME', 'IDENTITY_PROVIDER'],
  'revoke-devices': [...COMMON, 'TABLE_NAME'],
  'end-sessions': [...COMMON, 'TABLE_NAME'],
  'send-email': [...COMMON, 'TABLE_NAME', 'MAIL_SENDER'],
  'erase-logins': [...COMMON, 'TABLE_NAME'],
  'purge-due': [...COMMON, 'TABLE_NAME'],
  reconcile: [
    ...COMMON,
    'TABLE_NAME',
    'COMPLETION_SLA_HOURS',
    'OUTBOX_REPUBLISH_AFTER_MINUTES',
    'DISABLE_LOGINS_QUEUE_URL',
    'REVOKE_DEVICES_QUEUE_URL',
    'END_SESSIONS_QUEUE_URL',
    'SEND_EMAIL_QUEUE_URL',
    'ERASE_LOGINS_QUEUE_URL',
    'SPLIT_BATCH_QUEUE_URL',
  ],
};

/** One table grant as the template states it: its actions, on the table (with the partition-key
 * prefixes of its `dynamodb:LeadingKeys` condition) or on a named index. */
interface TableGrant {
  on: string;
  actions: string[];
  leadingKeys?: string[];
}

/**
 * Each function's grants on the table, written out here and not imported from the catalog or the
 * construct: a grant that grows (an action, a key prefix, an index) must fail this test.
 */
const EXPECTED_TABLE_GRANTS: Record<string, TableGrant[]> = {
  // The actor's standing only (the queues are SQS's).
  'ops-queues': [{ on: 'table', actions: ['dynamodb:BatchGetItem'], leadingKeys: ['CUSTOMER#*'] }],
  'ops-redrive': [{ on: 'table', actions: ['dynamodb:BatchGetItem'], leadingKeys: ['CUSTOMER#*'] }],
  'delete-customer': [
    {
      on: 'table',
      actions: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      leadingKeys: ['AUDIT#*', 'CUSTOMER#*', 'IDEMPOTENCY#*', 'OUTBOX#*', 'PARENT#*', 'REQUEST#*'],
    },
    { on: 'index/byParent', actions: ['dynamodb:Query'] },
  ],
  'delete-user': [
    {
      on: 'table',
      actions: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      leadingKeys: ['AUDIT#*', 'CUSTOMER#*', 'IDEMPOTENCY#*', 'OUTBOX#*', 'PARENT#*', 'REQUEST#*'],
    },
    { on: 'index/byParent', actions: ['dynamodb:Query'] },
  ],
  // The request with the actor's standing; a batch's items: one Query of the batch request's own partition.
  'get-request-status': [
    { on: 'table', actions: ['dynamodb:BatchGetItem'], leadingKeys: ['CUSTOMER#*', 'REQUEST#*'] },
    { on: 'table', actions: ['dynamodb:Query'], leadingKeys: ['REQUEST#*'] },
  ],
  // One transaction: the batch request, its outbox event, its Idempotency-Key, on condition of the actor's standing.
  'bulk-delete': [
    { on: 'table', actions: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:PutItem'], leadingKeys: ['CUSTOMER#*', 'IDEMPOTENCY#*', 'OUTBOX#*', 'REQUEST#*'] },
  ],
  // Each customer's deletion as delete-customer commits it, plus the step bookkeeping (items' outcomes under REQUEST#).
  'split-batch': [
    { on: 'table', actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: ['PROCESSED#*', 'REQUEST#*'] },
    {
      on: 'table',
      actions: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      leadingKeys: ['AUDIT#*', 'CUSTOMER#*', 'IDEMPOTENCY#*', 'OUTBOX#*', 'PARENT#*', 'REQUEST#*'],
    },
    { on: 'index/byParent', actions: ['dynamodb:Query'] },
    // The items' outcomes, 25 per write, in the batch request's partition only.
    { on: 'table', actions: ['dynamodb:BatchWriteItem'], leadingKeys: ['REQUEST#*'] },
  ],
  'list-requests': [
    { on: 'table', actions: ['dynamodb:BatchGetItem'], leadingKeys: ['CUSTOMER#*', 'REQUEST#*'] },
    { on: 'index/byParent index/byTime', actions: ['dynamodb:Query'] },
  ],
  'get-request-receipt': [{ on: 'table', actions: ['dynamodb:BatchGetItem'], leadingKeys: ['CUSTOMER#*', 'REQUEST#*'] }],
  'receipt-keys': [],
  openapi: [],
  'receipt-signer': [
    { on: 'table', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: ['REQUEST#*'] },
    { on: 'table', actions: ['dynamodb:GetItem'], leadingKeys: ['CUSTOMER#*'] },
  ],
  // The customer with the actor's standing, and one paged Query of the customer's partition (its counts).
  'get-customer': [{ on: 'table', actions: ['dynamodb:BatchGetItem', 'dynamodb:Query'], leadingKeys: ['CUSTOMER#*'] }],
  // The customer with the actor's standing; Queries of its audit partition only.
  'get-audit-trail': [
    { on: 'table', actions: ['dynamodb:BatchGetItem'], leadingKeys: ['CUSTOMER#*'] },
    { on: 'table', actions: ['dynamodb:Query'], leadingKeys: ['AUDIT#*'] },
  ],
  // One transaction on the customer and its parent, audit, request and outbox; no index, no idempotency key.
  'restore-customer': [
    {
      on: 'table',
      actions: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      leadingKeys: ['AUDIT#*', 'CUSTOMER#*', 'OUTBOX#*', 'REQUEST#*'],
    },
  ],
  // The customer's legalHold and its audit record; reads nothing but the actor's standing.
  'legal-hold': [
    { on: 'table', actions: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: ['AUDIT#*', 'CUSTOMER#*'] },
  ],
  'outbox-relay': [{ on: 'table', actions: ['dynamodb:DeleteItem'], leadingKeys: ['OUTBOX#*'] }],
  // The purge transaction (customer, users, the soft delete's request check, audit, request, outbox, the
  // actor's standing), the customer's users, and the purge index; no idempotency key, no delete.
  'purge-due': [
    {
      on: 'table',
      actions: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      leadingKeys: ['AUDIT#*', 'CUSTOMER#*', 'OUTBOX#*', 'REQUEST#*'],
    },
    { on: 'index/byPurgeDate', actions: ['dynamodb:Query'] },
  ],
  // The open requests from byTime; a stuck request's outbox read, republished and removed; its receipt asked for again.
  reconcile: [
    { on: 'table', actions: ['dynamodb:DeleteItem', 'dynamodb:Query'], leadingKeys: ['OUTBOX#*'] },
    { on: 'table', actions: ['dynamodb:UpdateItem'], leadingKeys: ['REQUEST#*'] },
    { on: 'index/byTime', actions: ['dynamodb:Query'] },
  ],
  'disable-logins': [
    { on: 'table', actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: ['PROCESSED#*', 'REQUEST#*'] },
    // Reads the subject's logins; changes nothing of the customer's items.
    { on: 'table', actions: ['dynamodb:Query'], leadingKeys: ['CUSTOMER#*'] },
  ],
  'revoke-devices': [
    { on: 'table', actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: ['PROCESSED#*', 'REQUEST#*'] },
    { on: 'table', actions: ['dynamodb:Query', 'dynamodb:UpdateItem'], leadingKeys: ['CUSTOMER#*'] },
  ],
  'end-sessions': [
    { on: 'table', actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: ['PROCESSED#*', 'REQUEST#*'] },
    { on: 'table', actions: ['dynamodb:Query', 'dynamodb:UpdateItem'], leadingKeys: ['CUSTOMER#*'] },
  ],
  'send-email': [
    { on: 'table', actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: ['PROCESSED#*', 'REQUEST#*'] },
    { on: 'table', actions: ['dynamodb:GetItem'], leadingKeys: ['CUSTOMER#*'] },
  ],
  'erase-logins': [
    { on: 'table', actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], leadingKeys: ['PROCESSED#*', 'REQUEST#*'] },
    { on: 'table', actions: ['dynamodb:Query', 'dynamodb:UpdateItem'], leadingKeys: ['CUSTOMER#*'] },
  ],
};

/** The table ARN's export (not the stream's): `DeletionTable...Arn...` without `StreamArn`. */
function tableGrantTarget(resource: unknown): string | undefined {
  const text = JSON.stringify(resource);
  if (!text.includes('DeletionTable') || text.includes('StreamArn')) return undefined;
  // A statement may name several indexes: all of them, in order.
  const indexes = [...text.matchAll(/\/index\/([A-Za-z0-9_.-]+)/g)].map((match) => `index/${match[1]}`);
  return indexes.length > 0 ? indexes.join(' ') : 'table';
}

/** A function's statements on the table or its indexes, in the shape of EXPECTED_TABLE_GRANTS (sorted, so order does not matter). */
function tableGrantsOf(spec: FunctionSpec): TableGrant[] {
  return statementsOf(spec)
    .flatMap((s): TableGrant[] => {
      const on = tableGrantTarget(s.Resource);
      // The audit Deny every role carries is checked on its own ("denies every role ...").
      if (on === undefined || s.Effect !== 'Allow') return [];
      const leadingKeys = s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
      return [{ on, actions: [s.Action].flat().sort(), ...(leadingKeys === undefined ? {} : { leadingKeys: [leadingKeys].flat().sort() }) }];
    })
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function sortedGrants(grants: readonly TableGrant[]): TableGrant[] {
  return grants
    .map((g) => ({ ...g, actions: [...g.actions].sort(), ...(g.leadingKeys ? { leadingKeys: [...g.leadingKeys].sort() } : {}) }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('templates', () => {
  it('pass CloudFormation schema validation with nothing to report', () => {
    expect(service.validationReport().pluginReports.flatMap((r) => r.violations.map((v) => `${r.pluginName}: ${v.ruleName}: ${v.description}`))).toEqual([]);
  });
});

describe('data stack', () => {
  it('declares the catalog table: on demand, keys, index, TTL, stream, encryption, PITR', () => {
    assertResourceCount(t.data, 'AWS::DynamoDB::GlobalTable', 1);
    assertResourceProperties(t.data, 'AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: table.partitionKey, KeyType: 'HASH' },
        { AttributeName: table.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((gsi) =>
        Match.objectLike({
          IndexName: gsi.indexName,
          KeySchema: [
            { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
            { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
          ],
        }),
      ),
      TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  it('leaves the table name to CloudFormation', () => {
    const [tableResource] = Object.values(resourcesOfType(t.data, 'AWS::DynamoDB::GlobalTable'));
    expect(tableResource?.Properties?.TableName).toBeUndefined();
  });

  it('lets a non-production stage be torn down', () => {
    assertResource(t.data, 'AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] }),
    });
  });
});

describe('keys stack', () => {
  it('owns the receipt key: an asymmetric ECC_NIST_P256 SIGN_VERIFY KMS key, torn down with a non-production stage', () => {
    assertResourceCount(t.keys, 'AWS::KMS::Key', 1);
    assertResource(t.keys, 'AWS::KMS::Key', {
      Properties: Match.objectLike({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
      DeletionPolicy: 'Delete',
    });
  });

  it('gives exactly kms:Sign to the receipt signer and kms:GetPublicKey to the keys route, on that key, and no KMS action to anyone else', () => {
    const kmsStatements = functions.flatMap((f) =>
      statementsOf(f)
        .filter((st) => [st.Action].flat().some((a) => a.startsWith('kms:')))
        .map((st) => ({ fn: f.name, actions: [st.Action].flat(), onReceiptKey: JSON.stringify(st.Resource).includes('ReceiptSigningKey') })),
    );
    expect(kmsStatements.sort((a, b) => a.fn.localeCompare(b.fn))).toEqual([
      { fn: 'receipt-keys', actions: ['kms:GetPublicKey'], onReceiptKey: true },
      { fn: 'receipt-signer', actions: ['kms:Sign'], onReceiptKey: true },
    ]);
  });

  it('routes GET /.well-known/deletion-receipt-keys.json and GET /api/v2/requests/{requestId}/receipt', () => {
    const routeKeys = Object.values(resourcesOfType(t.api, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties?.RouteKey);
    expect(routeKeys).toEqual(expect.arrayContaining(['GET /.well-known/deletion-receipt-keys.json', 'GET /api/v2/requests/{requestId}/receipt']));
  });

  it('routes GET /openapi.json (SPEC "Contracts") to the openapi function, with no KMS, table or queue grant', () => {
    const routeKeys = Object.values(resourcesOfType(t.api, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties?.RouteKey);
    expect(routeKeys).toContain('GET /openapi.json');
    expect(actionsOf(functionSpec('openapi')).filter((a) => /^(kms|dynamodb|sqs):/.test(a))).toEqual([]);
  });

  it('feeds the receipt signer only REQUEST# modifications flagged receiptPending', () => {
    const fnId = lambdaOf(functions.find((f) => f.name === 'receipt-signer') as FunctionSpec).id;
    const mappings = Object.values(resourcesOfType(t.workers, 'AWS::Lambda::EventSourceMapping')).filter(
      (m) => JSON.stringify(m.Properties?.FunctionName).includes(fnId),
    );
    expect(mappings).toHaveLength(1);
    const pattern = JSON.parse((mappings[0]?.Properties?.FilterCriteria as { Filters: { Pattern: string }[] }).Filters[0]!.Pattern) as unknown;
    expect(pattern).toEqual({
      eventName: ['MODIFY'],
      dynamodb: { Keys: { pk: { S: [{ prefix: 'REQUEST#' }] } }, NewImage: { receiptPending: { BOOL: [true] } } },
    });
  });
});

describe('messaging stack', () => {
  it.each(queues.map((q) => [q.id, q] as const))('%s: encrypted, TLS-only queue that redrives to its DLQ after maxReceiveCount', (_id, spec) => {
    const queueId = logicalIdIn('messaging', 'AWS::SQS::Queue', `${pascal(spec.id)}Queue`);
    const dlqId = logicalIdIn('messaging', 'AWS::SQS::Queue', `${pascal(spec.id)}Dlq`);
    const all = resourcesOfType(t.messaging, 'AWS::SQS::Queue');

    expect(all[queueId]?.Properties).toEqual(
      expect.objectContaining({
        SqsManagedSseEnabled: true,
        // 14 days, not SQS's default 4: a consumer stalled over a long weekend does not lose its cascade.
        MessageRetentionPeriod: spec.retentionDays * 86_400,
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: spec.maxReceiveCount },
      }),
    );
    expect(all[dlqId]?.Properties).toEqual(
      expect.objectContaining({ SqsManagedSseEnabled: true, MessageRetentionPeriod: spec.dlqRetentionDays * 86_400 }),
    );
    for (const id of [queueId, dlqId]) {
      assertResourceProperties(t.messaging, 'AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('keeps every queue visible at least six times as long as its consumer runs', () => {
    const sqsQueues = resourcesOfType(t.messaging, 'AWS::SQS::Queue');
    for (const consumer of queueConsumers) {
      const queueId = logicalIdIn('messaging', 'AWS::SQS::Queue', `${pascal(consumer.queue)}Queue`);
      const visibility = sqsQueues[queueId]?.Properties?.VisibilityTimeout as number;
      const timeout = lambdaOf(consumer).resource.Properties.Timeout as number;
      expect(timeout).toBe(consumer.timeoutSeconds);
      expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
      expect(visibility).toBeGreaterThanOrEqual(minimumVisibilityTimeoutSeconds(consumer));
    }
  });

  it('names no queue', () => {
    for (const q of Object.values(resourcesOfType(t.messaging, 'AWS::SQS::Queue'))) {
      expect(q.Properties?.QueueName).toBeUndefined();
    }
  });
});

describe('API stack', () => {
  it('has one HTTP API, its catalog routes and nothing else', () => {
    assertResourceCount(t.api, 'AWS::ApiGatewayV2::Api', 1);
    assertResourceProperties(t.api, 'AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    const routeKeys = Object.values(resourcesOfType(t.api, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties?.RouteKey);
    const expected = apiFunctions.flatMap((f) => f.routes.map((r) => `${r.method} ${r.path}`));
    expect([...routeKeys].sort()).toEqual([...expected].sort());
  });

  it.each(apiFunctions.flatMap((f) => f.routes.map((r) => [`${r.method} ${r.path}`, f] as const)))(
    '%s invokes %s through a payload 2.0 Lambda proxy integration',
    (routeKey, spec) => {
      const fnId = lambdaOf(spec).id;
      const [route] = Object.values(resourcesOfType(t.api, 'AWS::ApiGatewayV2::Route')).filter((r) => r.Properties?.RouteKey === routeKey);
      // The JWT is verified in the function (jose), not by an API Gateway authorizer.
      expect(route?.Properties?.AuthorizationType).toBe('NONE');
      const integrationId = (route?.Properties?.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1].Ref;
      expect(resourcesOfType(t.api, 'AWS::ApiGatewayV2::Integration')[integrationId]?.Properties).toEqual(
        expect.objectContaining({
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
          IntegrationUri: { 'Fn::GetAtt': [fnId, 'Arn'] },
        }),
      );
      assertResourceProperties(t.api, 'AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      });
    },
  );

  it('throttles the default stage and writes JSON access logs with the configured retention', () => {
    assertResourceCount(t.api, 'AWS::ApiGatewayV2::Stage', 1);
    const [stage] = Object.values(resourcesOfType(t.api, 'AWS::ApiGatewayV2::Stage'));
    expect(stage?.Properties).toEqual(
      expect.objectContaining({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: config.throttle.rateLimit, ThrottlingBurstLimit: config.throttle.burstLimit },
      }),
    );
    const settings = stage?.Properties?.AccessLogSettings as { Format: string; DestinationArn: { 'Fn::GetAtt': [string, string] } };
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toEqual(expect.objectContaining({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey' }));
    const logGroupId = settings.DestinationArn['Fn::GetAtt'][0];
    expect(resourcesOfType(t.api, 'AWS::Logs::LogGroup')[logGroupId]?.Properties?.RetentionInDays).toBe(config.logs.retention);
  });
});

describe('functions', () => {
  it('declares exactly the catalog functions', () => {
    assertResourceCount(t.api, 'AWS::Lambda::Function', apiFunctions.length);
    assertResourceCount(t.workers, 'AWS::Lambda::Function', functions.length - apiFunctions.length);
  });

  it.each(functions.map((f) => [f.name, f] as const))('%s: Node.js 24 on arm64, active tracing, ESM handler, catalog memory and timeout, own log group', (_name, spec) => {
    const { Properties: p } = lambdaOf(spec).resource;
    expect(p).toEqual(
      expect.objectContaining({
        Runtime: 'nodejs24.x',
        TracingConfig: { Mode: 'Active' },
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
      }),
    );
    const logGroupId = p.LoggingConfig.LogGroup.Ref as string;
    expect(resourcesOfType(t[stackOf(spec)], 'AWS::Logs::LogGroup')[logGroupId]?.Properties?.RetentionInDays).toBe(config.logs.retention);
    expect(p.FunctionName).toBeUndefined();
    expect(p.ReservedConcurrentExecutions).toBeUndefined();
  });

  it.each(functions.map((f) => [f.name, f] as const))('%s: exactly its catalog environment, every value set', (_name, spec) => {
    const vars = lambdaOf(spec).resource.Properties.Environment.Variables as Record<string, unknown>;
    const { NODE_OPTIONS, ...application } = vars;
    expect(NODE_OPTIONS).toBe('--enable-source-maps');
    // Written out here, not derived from the links: a function whose environment grows must fail this test.
    expect(Object.keys(application).sort()).toEqual([...(EXPECTED_VARIABLES[spec.name] ?? ['(not listed)'])].sort());
    for (const [name, value] of Object.entries(application)) {
      expect({ name, set: value !== undefined && value !== '' && value !== 'undefined' }).toEqual({ name, set: true });
    }
  });

  it('passes the stage configuration and the mail sender', () => {
    const api = lambdaOf(apiFunctions[0] as FunctionSpec).resource.Properties.Environment.Variables;
    expect(api).toEqual(
      expect.objectContaining({
        // The dev stage's issuer is a generic OIDC one: the Cognito-only variables are "-".
        JWT_ISSUER_KIND: 'oidc',
        JWKS_URL: 'https://auth.dev.example.com/.well-known/jwks.json',
        JWT_ISSUER: 'https://auth.dev.example.com/',
        JWT_AUDIENCE: 'customer-deletion-api',
        JWT_CLIENT_IDS: '-',
        JWT_SCOPE_PREFIX: '-',
        JWT_MAX_TOKEN_AGE_SECONDS: String(config.auth.maxTokenAgeSeconds),
        POWERTOOLS_LOG_LEVEL: config.logs.level,
      }),
    );
    const sendEmail = functions.find((f) => f.links.some((link) => link.to === 'mail')) as FunctionSpec;
    expect(sendEmail.name).toBe('send-email');
    expect(lambdaOf(sendEmail).resource.Properties.Environment.Variables).toEqual(
      expect.objectContaining({ MAIL_SENDER: config.mail.sender }),
    );
  });
});

describe('grants', () => {
  const allStatements = () => functions.flatMap((f) => statementsOf(f).map((s) => ({ fn: f.name, ...s })));

  it('lists every catalog function in the expected grants and variables (so none goes unchecked)', () => {
    expect(Object.keys(EXPECTED_TABLE_GRANTS).sort()).toEqual(functions.map((f) => f.name).sort());
    expect(Object.keys(EXPECTED_VARIABLES).sort()).toEqual(functions.map((f) => f.name).sort());
  });

  it.each(functions.map((f) => [f.name, f] as const))('%s: exactly its table grants, each on its own key prefixes, and nothing more on the table', (_name, spec) => {
    expect(tableGrantsOf(spec)).toEqual(sortedGrants(EXPECTED_TABLE_GRANTS[spec.name] ?? []));
    const tableActions = tableGrantsOf(spec).flatMap((g) => g.actions);
    expect(tableActions).not.toContain('dynamodb:Scan');
    // BatchGetItem is the actor-standing read (the API functions'); nothing scans. Only the split writes in
    // batches (its items' outcomes, REQUEST# only: checked in its expected grants above).
    expect(tableActions.filter((a) => /PartiQL|\*/.test(a) || (/BatchWrite/.test(a) && spec.name !== 'split-batch'))).toEqual([]);
  });

  it('conditions every item-level grant on the table on dynamodb:LeadingKeys, and grants indexes Query only', () => {
    const grants = functions.flatMap((spec) => tableGrantsOf(spec).map((grant) => ({ fn: spec.name, ...grant })));
    for (const g of grants.filter((grant) => grant.on === 'table')) {
      expect({ fn: g.fn, conditioned: (g.leadingKeys ?? []).length > 0 }).toEqual({ fn: g.fn, conditioned: true });
    }
    for (const g of grants.filter((grant) => grant.on !== 'table')) {
      expect({ fn: g.fn, on: g.on, actions: g.actions }).toEqual({ fn: g.fn, on: g.on, actions: ['dynamodb:Query'] });
    }
  });

  it.each(['get-request-status', 'get-customer', 'get-audit-trail'])('gives %s read access only', (name) => {
    const spec = functions.find((f) => f.name === name) as FunctionSpec;
    expect(actionsOf(spec)).not.toEqual(expect.arrayContaining(['dynamodb:PutItem']));
    expect(actionsOf(spec).filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a))).toEqual([]);
  });

  it('denies every role UpdateItem and DeleteItem on audit keys: an explicit Deny on AUDIT#* leading keys', () => {
    // Every execution role in the stacks that hold functions, not only the catalog's: none may change an audit record.
    const roles = (['api', 'workers'] as const).flatMap((key) => Object.keys(resourcesOfType(t[key], 'AWS::IAM::Role')).map((roleId) => ({ key, roleId })));
    expect(roles.length).toBeGreaterThanOrEqual(functions.length);
    for (const { key, roleId } of roles) {
      const policies = Object.values(resourcesOfType(t[key], 'AWS::IAM::Policy')) as unknown as PolicyResource[];
      const denies = policies
        .filter((p) => p.Properties.Roles.some((r) => r.Ref === roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s) => s.Effect === 'Deny' && tableGrantTarget(s.Resource) === 'table')
        .map((s) => ({ actions: [s.Action].flat().sort(), anyLeadingKey: [s.Condition?.['ForAnyValue:StringLike']?.['dynamodb:LeadingKeys']].flat() }));
      expect({ roleId, denies }).toEqual({ roleId, denies: [{ actions: ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'], anyLeadingKey: ['AUDIT#*'] }] });
    }
  });

  it('gives the delete functions what a TransactWriteItems, GetItem and a Query on the index need', () => {
    for (const name of ['delete-customer', 'delete-user']) {
      const spec = functions.find((f) => f.name === name) as FunctionSpec;
      const onTable = statementsOf(spec).find((s) => tableGrantTarget(s.Resource) === 'table');
      expect(onTable?.Action).toEqual(
        expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem']),
      );
      const onIndex = statementsOf(spec).filter((s) => tableGrantTarget(s.Resource)?.startsWith('index/'));
      expect(onIndex).toHaveLength(1);
      expect(onIndex[0]?.Action).toBe('dynamodb:Query');
      expect(JSON.stringify(onIndex[0]?.Resource)).toContain(`/index/${table.globalSecondaryIndexes[0]?.indexName}`);
    }
  });

  it('never grants a wildcard resource (but X-Ray\'s two write actions, which have no resource) or a managed policy', () => {
    for (const s of allStatements()) {
      const xray = JSON.stringify(s.Action) === JSON.stringify(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']) && s.Resource === '*';
      expect({ fn: s.fn, wildcard: !xray && JSON.stringify(s.Resource).includes('*') }).toEqual({ fn: s.fn, wildcard: false });
    }
    for (const key of ['api', 'workers'] as const) {
      for (const role of Object.values(resourcesOfType(t[key], 'AWS::IAM::Role'))) {
        expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
      }
    }
  });

  it('lets only the outbox relay (and the reconciler, which republishes what it lost) publish, to exactly one queue per declared step', () => {
    const publishers = ['outbox-relay', 'reconcile'];
    // The operator's redrive sends too, as the destination of its DLQ move tasks (checked in its own test below).
    const movers = ['ops-redrive'];
    const onFailure = logicalIdIn('messaging', 'AWS::SQS::Queue', 'OutboxRelayFailures');
    for (const spec of functions.filter((f) => !publishers.includes(f.name) && !movers.includes(f.name))) {
      // Another stream consumer may send only to its event source's on-failure destination.
      const send = statementsOf(spec).filter(
        (s) => [s.Action].flat().includes('sqs:SendMessage') && !(spec.kind === 'stream-consumer' && JSON.stringify(s.Resource).includes(onFailure)),
      );
      expect({ fn: spec.name, send }).toEqual({ fn: spec.name, send: [] });
    }
    for (const relay of functions.filter((f) => publishers.includes(f.name))) {
      const targets = statementsOf(relay)
        .filter((s) => [s.Action].flat().includes('sqs:SendMessage'))
        .map((s) => JSON.stringify(s.Resource));
      // One SendMessage per step's queue, plus the stream event source's on-failure destination.
      const failuresId = logicalIdIn('messaging', 'AWS::SQS::Queue', 'OutboxRelayFailures');
      expect(targets.filter((r) => !r.includes(failuresId))).toHaveLength(steps.length);
      for (const step of steps) {
        const queueId = logicalIdIn('messaging', 'AWS::SQS::Queue', `${pascal(step.consumer.name)}Queue`);
        expect({ step: step.name, granted: targets.filter((r) => r.includes(`${queueId}Arn`)).length }).toEqual({ step: step.name, granted: 1 });
        expect(lambdaOf(relay).resource.Properties.Environment.Variables[queueUrlVariable(step.consumer.name)]).toEqual({
          'Fn::ImportValue': expect.stringContaining(`Ref${queueId}`),
        });
      }
    }
    expect(actionsOf(functionSpec('outbox-relay'))).toEqual(expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream']));
  });

  it('lets each consumer receive from its own queue only', () => {
    for (const consumer of queueConsumers) {
      const receive = statementsOf(consumer).filter((s) => [s.Action].flat().includes('sqs:ReceiveMessage'));
      expect(receive).toHaveLength(1);
      const ownQueue = logicalIdIn('messaging', 'AWS::SQS::Queue', `${pascal(consumer.queue)}Queue`);
      expect(JSON.stringify(receive[0]?.Resource)).toContain(ownQueue);
    }
    // ops-redrive receives from the DLQs only, as a move task's source (checked in its own test below).
    for (const spec of [...apiFunctions, ...streamConsumers].filter((f) => f.name !== 'ops-redrive')) {
      expect(actionsOf(spec)).not.toContain('sqs:ReceiveMessage');
    }
  });

  it("gives the operator's queue functions SQS actions on the step queues and DLQs only, and moves only to redrive", () => {
    const queueArns = steps.map((step) => ({ 'Fn::ImportValue': expect.stringContaining(`${logicalIdIn('messaging', 'AWS::SQS::Queue', `${pascal(step.consumer.name)}Queue`)}Arn`) }));
    const dlqArns = steps.map((step) => ({ 'Fn::ImportValue': expect.stringContaining(`${logicalIdIn('messaging', 'AWS::SQS::Queue', `${pascal(step.consumer.name)}Dlq`)}Arn`) }));
    const sqsStatements = (name: string) =>
      statementsOf(functionSpec(name))
        .filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')))
        .map((s) => ({ actions: [s.Action].flat().sort(), resources: s.Resource }));
    expect(sqsStatements('ops-queues')).toEqual([
      { actions: ['sqs:GetQueueAttributes'], resources: queueArns },
      { actions: ['sqs:GetQueueAttributes'], resources: dlqArns },
    ]);
    expect(sqsStatements('ops-redrive')).toEqual([
      { actions: ['sqs:GetQueueAttributes', 'sqs:SendMessage'], resources: queueArns },
      { actions: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ListMessageMoveTasks', 'sqs:ReceiveMessage', 'sqs:StartMessageMoveTask'], resources: dlqArns },
    ]);
    expect(lambdaOf(functionSpec('ops-redrive')).resource.Properties.Environment.Variables.QUEUE_REDRIVE).toBe('sqs-move-task');
  });

  it('lets only send-email use SES, as the configured identity', () => {
    const sesOf = (spec: FunctionSpec) => statementsOf(spec).filter((s) => [s.Action].flat().some((a) => a.startsWith('ses:')));
    const linksMail = (spec: FunctionSpec) => spec.links.some((link) => link.to === 'mail');
    const [senders, others] = [functions.filter(linksMail), functions.filter((f) => !linksMail(f))];
    expect(senders.map((f) => f.name)).toEqual(['send-email']);
    for (const spec of others) expect({ fn: spec.name, ses: sesOf(spec) }).toEqual({ fn: spec.name, ses: [] });
    for (const spec of senders) {
      const ses = sesOf(spec);
      expect(ses).toHaveLength(1);
      expect(ses[0]?.Action).toBe('ses:SendEmail');
      expect(JSON.stringify(ses[0]?.Resource)).toContain(`:identity/${config.mail.sesIdentity}`);
    }
  });

  it('lets only disable-logins use Cognito: exactly its three admin actions, on the stage\'s user pool', () => {
    const cognitoOf = (spec: FunctionSpec) => statementsOf(spec).filter((s) => [s.Action].flat().some((a) => a.startsWith('cognito-idp:')));
    const others = functions.filter((f) => f.name !== 'disable-logins');
    for (const spec of others) expect({ fn: spec.name, cognito: cognitoOf(spec) }).toEqual({ fn: spec.name, cognito: [] });
    const statements = cognitoOf(functions.find((f) => f.name === 'disable-logins') as FunctionSpec);
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Effect).toBe('Allow');
    expect([statements[0]?.Action].flat().sort()).toEqual(['cognito-idp:AdminDisableUser', 'cognito-idp:AdminEnableUser', 'cognito-idp:AdminUserGlobalSignOut']);
    // arn:<partition>:cognito-idp:<the pool's region>:<account>:userpool/<pool id>
    expect(statements[0]?.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cognito-idp:us-east-1:`, { Ref: 'AWS::AccountId' }, `:userpool/${config.identity.userPoolId}`]],
    });
  });

  it('gives disable-logins its user pool as IDENTITY_PROVIDER', () => {
    const spec = functions.find((f) => f.name === 'disable-logins') as FunctionSpec;
    expect(lambdaOf(spec).resource.Properties.Environment.Variables.IDENTITY_PROVIDER).toBe(`cognito:${config.identity.userPoolId}`);
  });
});

describe('event sources', () => {
  it.each(queueConsumers.map((f) => [f.name, f] as const))('%s: SQS batches with partial failures and bounded concurrency', (_name, spec) => {
    const fnId = lambdaOf(spec).id;
    const queueId = logicalIdIn('messaging', 'AWS::SQS::Queue', `${pascal(spec.queue)}Queue`);
    const mappings = Object.values(resourcesOfType(t.workers, 'AWS::Lambda::EventSourceMapping')).filter(
      (m) => (m.Properties?.FunctionName as { Ref: string }).Ref === fnId,
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toEqual(
      expect.objectContaining({
        BatchSize: spec.batchSize,
        MaximumBatchingWindowInSeconds: spec.maxBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: spec.maxConcurrency },
      }),
    );
    expect(JSON.stringify(mappings[0]?.Properties?.EventSourceArn)).toContain(queueId);
  });

  it.each(streamConsumers.map((f) => [f.name, f] as const))('%s: filtered table stream, bisect, partial failures, bounded retries to a failure queue', (_name, spec) => {
    const fnId = lambdaOf(spec).id;
    const [mapping] = Object.values(resourcesOfType(t.workers, 'AWS::Lambda::EventSourceMapping')).filter(
      (m) => (m.Properties?.FunctionName as { Ref: string }).Ref === fnId,
    );
    const failuresId = logicalIdIn('messaging', 'AWS::SQS::Queue', 'OutboxRelayFailures');
    expect(mapping?.Properties).toEqual(
      expect.objectContaining({
        BatchSize: spec.batchSize,
        StartingPosition: 'TRIM_HORIZON',
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: RELAY_RETRY_ATTEMPTS,
      }),
    );
    expect(JSON.stringify(mapping?.Properties?.EventSourceArn)).toContain('StreamArn');
    expect(JSON.stringify(mapping?.Properties?.DestinationConfig)).toContain(failuresId);
    const filters = (mapping?.Properties?.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      {
        eventName: [...spec.filter.eventNames],
        dynamodb: {
          Keys: { [table.partitionKey]: { S: [{ prefix: spec.filter.partitionKeyPrefix }] } },
          ...(spec.filter.newImageFlag !== undefined ? { NewImage: { [spec.filter.newImageFlag]: { BOOL: [true] } } } : {}),
        },
      },
    ]);
  });
});

describe('scheduled purge', () => {
  it('runs purge-due hourly from an EventBridge rule, with its own log group', () => {
    const purgeDueId = logicalIdIn('workers', 'AWS::Lambda::Function', 'PurgeDueFunction');
    const rules = Object.values(resourcesOfType(t.workers, 'AWS::Events::Rule')).filter((r) => JSON.stringify(r.Properties?.Targets).includes(purgeDueId));
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toEqual(
      expect.objectContaining({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED', Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [purgeDueId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })] }),
    );
    const fn = resourcesOfType(t.workers, 'AWS::Lambda::Function')[purgeDueId];
    expect(JSON.stringify(fn?.Properties?.LoggingConfig)).toContain(logicalIdIn('workers', 'AWS::Logs::LogGroup', 'PurgeDueLogs'));
  });

  it('indexes requests by time in the sharded byTime index, projecting only what the list filters on', () => {
    assertResourceProperties(t.data, 'AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'byTime',
          KeySchema: [{ AttributeName: 'timePk', KeyType: 'HASH' }, { AttributeName: 'timeSk', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status', 'type'] },
        }),
      ]),
    });
  });

  it('indexes DELETED customers by purge date in a sparse index of its own', () => {
    assertResourceProperties(t.data, 'AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({ IndexName: 'byPurgeDate', KeySchema: [{ AttributeName: 'purgePk', KeyType: 'HASH' }, { AttributeName: 'purgeAfter', KeyType: 'RANGE' }] }),
      ]),
    });
  });
});

describe('alarms', () => {
  const alarms = () => Object.values(resourcesOfType(t.monitoring, 'AWS::CloudWatch::Alarm'));

  it('alarms when any dead-letter queue holds a message', () => {
    for (const q of queues) {
      const dlqId = logicalIdIn('messaging', 'AWS::SQS::Queue', `${pascal(q.id)}Dlq`);
      const matching = alarms().filter(
        (a) => a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Properties?.Dimensions).includes(dlqId),
      );
      expect(matching).toHaveLength(1);
      expect(matching[0]?.Properties).toEqual(expect.objectContaining({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Namespace: 'AWS/SQS' }));
    }
    const failuresId = logicalIdIn('messaging', 'AWS::SQS::Queue', 'OutboxRelayFailures');
    expect(alarms().filter((a) => JSON.stringify(a.Properties?.Dimensions ?? []).includes(failuresId))).toHaveLength(1);
  });

  it('alarms on API 5xx', () => {
    assertResourceProperties(t.monitoring, 'AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: Match.anyValue() }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it.each(['Errors', 'Throttles'])('alarms on %s of every function', (metric) => {
    const matching = alarms().filter((a) => a.Properties?.Namespace === 'AWS/Lambda' && a.Properties?.MetricName === metric);
    expect(matching).toHaveLength(functions.length);
  });

  it.each(functions.map((f) => [f.name, f] as const))('%s: alarms when an invocation takes over 80 %% of its timeout', (_name, spec) => {
    const { id } = lambdaOf(spec);
    const matching = alarms().filter((a) => a.Properties?.MetricName === 'Duration' && JSON.stringify(a.Properties?.Dimensions).includes(`Ref${id}`));
    expect(matching).toHaveLength(1);
    expect(matching[0]?.Properties).toEqual(
      expect.objectContaining({ Statistic: 'Maximum', Threshold: spec.timeoutSeconds * 1000 * 0.8, ComparisonOperator: 'GreaterThanThreshold' }),
    );
  });

  it.each(queues.map((q) => [q.id, q] as const))('%s: alarms when its oldest message is older than its whole retry window', (_id, spec) => {
    const queueId = logicalIdIn('messaging', 'AWS::SQS::Queue', `${pascal(spec.id)}Queue`);
    const matching = alarms().filter(
      (a) => a.Properties?.MetricName === 'ApproximateAgeOfOldestMessage' && JSON.stringify(a.Properties?.Dimensions).includes(queueId),
    );
    expect(matching).toHaveLength(1);
    // maxReceiveCount deliveries, each a visibility timeout apart, plus one more timeout: e.g. 5 × 300 s = 25 minutes.
    expect(matching[0]?.Properties?.Threshold).toBe(spec.maxReceiveCount * spec.visibilityTimeoutSeconds);
  });

  it('alarms on the API p99 latency, over three periods', () => {
    assertResourceProperties(t.monitoring, 'AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 2000,
      EvaluationPeriods: 3,
    });
  });

  it.each(['ThrottledRequests', 'SystemErrors'])('alarms on the table\'s %s, summed over the operations the service calls', (metric) => {
    const matching = alarms().filter((a) => JSON.stringify(a.Properties?.Metrics ?? []).includes(`"MetricName":"${metric}"`));
    expect(matching).toHaveLength(1);
    const operations = [...JSON.stringify(matching[0]?.Properties?.Metrics).matchAll(/"Name":"Operation","Value":"(\w+)"/g)].map((m) => m[1]);
    expect(operations.sort()).toEqual(['BatchGetItem', 'BatchWriteItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'TransactWriteItems', 'UpdateItem']);
  });

  it.each([
    ['Reputation.BounceRate', 0.025],
    ['Reputation.ComplaintRate', 0.0005],
  ])('alarms on the account\'s SES %s', (metric, threshold) => {
    assertResourceProperties(t.monitoring, 'AWS::CloudWatch::Alarm', { Namespace: 'AWS/SES', MetricName: metric, Threshold: threshold });
  });

  it('alarms when a scheduled purge run fails', () => {
    const purgeDueId = logicalIdIn('workers', 'AWS::Lambda::Function', 'PurgeDueFunction');
    const matching = alarms().filter((a) => a.Properties?.MetricName === 'Errors' && JSON.stringify(a.Properties?.Dimensions).includes(purgeDueId));
    expect(matching).toHaveLength(1);
    expect(matching[0]?.Properties).toEqual(expect.objectContaining({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }));
    expect(String(matching[0]?.Properties?.AlarmDescription)).toMatch(/scheduled purge failed for some customers/);
  });

  it('notifies no topic on dev (alarms.notify is off)', () => {
    assertResourceCount(t.monitoring, 'AWS::SNS::Topic', 0);
    for (const a of alarms()) expect(a.Properties?.AlarmActions).toBeUndefined();
  });
});

describe('bundles', () => {
  function bundleOf(spec: FunctionSpec): string {
    const code = lambdaOf(spec).resource.Properties.Code as { S3Key: string };
    return join(service.assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs');
  }

  it.each(functions.map((f) => [f.name, f] as const))('%s: a minified ESM bundle with a source map and a require shim', (_name, spec) => {
    const file = bundleOf(spec);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}.map`)).toBe(true);
    const head = readFileSync(file, 'utf8').slice(0, 200);
    expect(head.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);")).toBe(true);
  });

  it(`keeps delete-customer within ${DELETE_CUSTOMER_BUDGET_BYTES / 1024} KB`, () => {
    const spec = functions.find((f) => f.name === 'delete-customer') as FunctionSpec;
    const bytes = statSync(bundleOf(spec)).size;
    expect(bytes).toBeLessThanOrEqual(DELETE_CUSTOMER_BUDGET_BYTES);
  });

  it('takes Powertools and the X-Ray SDK from the layer: imported by name, not bundled', () => {
    const spec = functions.find((f) => f.name === 'delete-customer') as FunctionSpec;
    const code = readFileSync(bundleOf(spec), 'utf8');
    const imported = new Set([...code.matchAll(/\bfrom\s*"(@aws-lambda-powertools\/[a-z-]+(?:\/[a-z-]+)?|aws-xray-sdk-core)"/g)].map((m) => m[1]));
    expect([...imported].sort()).toEqual(['@aws-lambda-powertools/logger', '@aws-lambda-powertools/metrics', '@aws-lambda-powertools/tracer', '@aws-lambda-powertools/tracer/middleware']);
    // Bundled, the X-Ray SDK would bring its own segment classes with it.
    expect(code).not.toContain('AWSXRay');
  });

  it('bundles the AWS SDK, leaving out only what it loads lazily (credential providers, event streams)', () => {
    const spec = functions.find((f) => f.name === 'delete-customer') as FunctionSpec;
    const code = readFileSync(bundleOf(spec), 'utf8');
    expect(/from\s*"@(?:aws-sdk|smithy)\//.test(code)).toBe(false);
    // What the bundle still loads at run time (static, dynamic or required), subpaths included: only the lazy modules.
    const loaded = [...code.matchAll(/(?:\bfrom|\bimport\s*\(|\brequire\s*\()\s*["'](@(?:aws-sdk|smithy)\/[a-z0-9-]+(?:\/[a-z0-9-]+)*)["']/g)].map((m) => m[1] as string);
    const referenced = [...new Set(loaded)];
    expect(referenced.length).toBeGreaterThan(0);
    expect(referenced.filter((name) => !LAZY_RUNTIME_MODULES.includes(name))).toEqual([]);
    // Event streams are left out because nothing loads them but an `await import()` that no operation we call reaches.
    expect(code).toContain('import("@smithy/core/event-streams")');
    expect(/\b(?:from|require\s*\()\s*["']@smithy\/core\/event-streams["']/.test(code)).toBe(false);
  });
});

describe('the Powertools layer', () => {
  it('is resolved from the public SSM parameter of the installed Powertools version, one parameter per stack', () => {
    const version = installedPowertoolsVersion();
    expect(version).toMatch(/^2\.\d+\.\d+$/);
    for (const stack of ['api', 'workers'] as const) {
      const parameters = Object.values(t[stack].toJSON().Parameters ?? {}) as { Type: string; Default?: string }[];
      expect(parameters.filter((p) => p.Default === powertoolsLayerParameter(version))).toEqual([
        { Type: 'AWS::SSM::Parameter::Value<String>', Default: `/aws/service/powertools/typescript/generic/all/${version}` },
      ]);
    }
  });

  it.each(functions.map((f) => [f.name, f] as const))('%s: runs with the layer and active tracing', (_name, spec) => {
    const { resource } = lambdaOf(spec);
    expect(resource.Properties.Layers).toEqual([{ Ref: expect.stringMatching(/^SsmParameterValue/) }]);
    expect(resource.Properties.TracingConfig).toEqual({ Mode: 'Active' });
  });
});
