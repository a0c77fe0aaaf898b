import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  functions,
  linkVariables,
  outboxRelay,
  queueConsumers,
  queueIds,
  queues,
  queueUrlVariable,
  steps,
  tableLinksOf,
  variablesOf,
  type EnvName,
  type QueueConsumerSpec,
  type QueueId,
} from '../../infra/catalog';
import { catalogProblems, minimumVisibilityTimeoutSeconds, visibilityProblems } from '../../infra/config/catalog-rules';
import { environmentFor, variableValues, type EnvironmentValues } from '../../infra/config/lambda-environment';
import { retentionSecondsOf, stageConfig, stages, validateStageConfig, type StageConfig } from '../../infra/config/stages';
import { bundlingOptions, esbuildOptions, linkStatements, NodeFunction, type LinkResources } from '../../infra/constructs/node-function';
import { QueueConsumer } from '../../infra/constructs/queue-consumer';
import { QueueWithDlq } from '../../infra/constructs/queue-with-dlq';

/** Pure checks and single constructs: nothing here synthesizes the service. */

const queueUrls = Object.fromEntries(queues.map((q) => [q.id, `https://sqs.example/${q.id}`])) as Record<QueueId, string>;

/** The dev stage's values, with stand-ins for what CDK resolves (the table name, the queue URLs). */
const devValues: EnvironmentValues = {
  tableName: 'table-token',
  queueUrls,
  auth: stages.dev.auth,
  mail: { sender: stages.dev.mail.sender },
  identity: { provider: `cognito:${stages.dev.identity.userPoolId}` },
  receipts: { key: 'kms:arn:aws:kms:us-east-1:000000000000:key/receipt', issuer: 'https://api.dev.example.com/deletion-receipts', retiredKeys: '[]' },
  lifecycle: { retentionSeconds: 30 * 24 * 3600 },
  sla: { completionSlaHours: 24, republishAfterMinutes: 15 },
  logLevel: stages.dev.logs.level,
  // The operator's queue functions (ops-queues, ops-redrive) read the DLQ URLs and how a DLQ is moved back.
  stepQueues: { dlqUrls: Object.fromEntries(queues.map((q) => [q.id, `https://sqs.example/${q.id}-dlq`])) as Record<QueueId, string>, redrive: 'sqs-move-task' },
};

describe('stage configuration', () => {
  // prod as shipped holds the example values and no alarm subscriber: test/infra/stage-guards.test.ts.
  it('dev is valid as shipped', () => {
    expect(() => stageConfig('dev')).not.toThrow();
  });

  it('refuses an unknown stage', () => {
    expect(() => stageConfig('staging')).toThrow(/Unknown stage "staging"/);
    expect(() => stageConfig(undefined)).toThrow(/Unknown stage/);
  });

  it('refuses a JWKS URL that is not https and a sender outside the SES identity', () => {
    const bad: StageConfig = {
      ...stages.dev,
      auth: { kind: 'oidc', jwksUrl: 'http://insecure.example/jwks.json', issuer: 'https://insecure.example/', audience: 'customer-deletion-api', maxTokenAgeSeconds: 3600 },
      mail: { sender: 'Someone <a@elsewhere.example>', sesIdentity: 'example.org' },
    };
    expect(() => validateStageConfig(bad)).toThrow(/jwksUrl must be an https URL.*mail.sender/);
  });

  it('refuses an identity user pool id that is not one', () => {
    for (const userPoolId of ['', 'EXAMPLE', 'us-east-1-EXAMPLE', 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_EXAMPLE']) {
      expect(() => validateStageConfig({ ...stages.dev, identity: { userPoolId } })).toThrow('identity.userPoolId must be a Cognito user pool id (<region>_<suffix>)');
    }
    expect(() => validateStageConfig({ ...stages.dev, identity: { userPoolId: 'eu-central-1_AbC123xyz' } })).not.toThrow();
  });

  it('keeps a soft-deleted customer 30 days unless the stage says otherwise, and refuses a retention that is not whole days', () => {
    expect(retentionSecondsOf({})).toBe(30 * 24 * 3600);
    expect(retentionSecondsOf({ lifecycle: { retentionDays: 7 } })).toBe(7 * 24 * 3600);
    for (const retentionDays of [0, -1, 1.5, 4000]) {
      expect(() => validateStageConfig({ ...stages.dev, lifecycle: { retentionDays } })).toThrow('lifecycle.retentionDays must be a whole number of days from 1 to 3650');
    }
  });
});

describe('Lambda environment', () => {
  const env = variableValues(devValues);

  it('gives every variable a linked function can name a value', () => {
    const used = new Set<EnvName>(functions.flatMap((f) => variablesOf(f)));
    for (const name of used) expect({ name, value: env[name] }).toEqual({ name, value: expect.stringMatching(/.+/) });
  });

  it('maps each queue URL to its queue URL variable, and the table and mail values to theirs', () => {
    for (const q of queues) expect(env[queueUrlVariable(q.id)]).toBe(queueUrls[q.id]);
    expect(env.TABLE_NAME).toBe('table-token');
    expect(env.MAIL_SENDER).toBe(stages.dev.mail.sender);
    expect(env.JWT_MAX_TOKEN_AGE_SECONDS).toBe(String(stages.dev.auth.maxTokenAgeSeconds));
    expect(env.IDENTITY_PROVIDER).toBe('cognito:us-east-1_EXAMPLE');
  });

  it('gives each kind of link its variables', () => {
    expect(linkVariables({ to: 'table', actions: ['GetItem'], keyPrefixes: ['REQUEST#'] })).toEqual(['TABLE_NAME']);
    expect(linkVariables({ to: 'token-verifier' })).toEqual([
      'JWT_ISSUER_KIND',
      'JWKS_URL',
      'JWT_ISSUER',
      'JWT_AUDIENCE',
      'JWT_CLIENT_IDS',
      'JWT_SCOPE_PREFIX',
      'JWT_MAX_TOKEN_AGE_SECONDS',
    ]);
    expect(linkVariables({ to: 'queue', queue: 'send-email' })).toEqual(['SEND_EMAIL_QUEUE_URL']);
    expect(linkVariables({ to: 'mail' })).toEqual(['MAIL_SENDER']);
    expect(linkVariables({ to: 'identity-provider' })).toEqual(['IDENTITY_PROVIDER']);
    expect(variablesOf({ links: [] })).toEqual(['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL']);
  });

  it.each(functions.map((f) => [f.name, f] as const))('%s gets exactly the variables of its links', (_name, spec) => {
    expect(Object.keys(environmentFor(spec, devValues)).sort()).toEqual([...variablesOf(spec)].sort());
  });

  it('refuses to deploy a function with an empty variable', () => {
    expect(() => environmentFor({ name: 'x', links: [{ to: 'mail' }] }, { ...devValues, mail: { sender: '' } })).toThrow(
      'x: environment variable MAIL_SENDER has no value',
    );
    expect(() => environmentFor({ name: 'y', links: [{ to: 'queue', queue: 'end-sessions' }] }, { ...devValues, queueUrls: { ...queueUrls, 'end-sessions': '' } })).toThrow(
      'y: environment variable END_SESSIONS_QUEUE_URL has no value',
    );
  });
});

describe('catalog derivations', () => {
  it('derives one queue and one consumer per declared step', () => {
    expect(queues.map((q) => [q.id, q.step])).toEqual(steps.map((s) => [s.consumer.name, s.name]));
    expect(queueIds).toEqual(steps.map((s) => s.consumer.name));
    expect(queueConsumers.map((c) => [c.name, c.queue, c.step, c.entry])).toEqual(steps.map((s) => [s.consumer.name, s.consumer.name, s.name, s.consumer.entry]));
  });

  it('links the outbox relay to every step\'s queue, and to nothing else but deleting OUTBOX# items', () => {
    expect(outboxRelay.links.filter((l) => l.to === 'queue')).toEqual(steps.map((s) => ({ to: 'queue', queue: s.consumer.name })));
    expect(tableLinksOf(outboxRelay)).toEqual([{ to: 'table', actions: ['DeleteItem'], keyPrefixes: ['OUTBOX#'] }]);
    expect(outboxRelay.links.filter((l) => l.to !== 'queue' && l.to !== 'table')).toEqual([]);
  });

  it('gives every function a declared link to the table, the mail link to send-email only, the identity provider to disable-logins only', () => {
    // The receipt keys route reads no table: it publishes public keys (its one link). The openapi route
    // serves a document built in memory: no link at all.
    for (const f of functions.filter((fn) => fn.name !== 'receipt-keys' && fn.name !== 'openapi')) expect({ fn: f.name, tableLinks: tableLinksOf(f).length > 0 }).toEqual({ fn: f.name, tableLinks: true });
    expect(functions.find((f) => f.name === 'receipt-keys')?.links).toEqual([{ to: 'receipt-key', use: 'publish' }]);
    expect(functions.find((f) => f.name === 'openapi')?.links).toEqual([]);
    expect(functions.filter((f) => f.links.some((l) => l.to === 'mail')).map((f) => f.name)).toEqual(['send-email']);
    expect(functions.filter((f) => f.links.some((l) => l.to === 'identity-provider')).map((f) => f.name)).toEqual(['disable-logins']);
  });
});

describe('link statements', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Links');
  const table = new TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  const queueOf: Record<string, IQueue> = Object.fromEntries(queues.map((q) => [q.id, new QueueWithDlq(stack, q.id, { spec: q, removalPolicy: RemovalPolicy.DESTROY }).queue]));
  const userPoolArn = 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_EXAMPLE';
  const resources: LinkResources = { table, queue: (id) => queueOf[id] as IQueue, sesIdentityArn: 'arn:aws:ses:eu-west-1:000000000000:identity/example.com', userPoolArn };
  const json = (spec: Parameters<typeof linkStatements>[0]) => stack.resolve(linkStatements(spec, resources).map((s) => s.toStatementJson())) as Record<string, unknown>[];

  it('turns a table link into one statement: its actions, on the table, on its key prefixes; and Query on each named index', () => {
    const tableArn = stack.resolve(table.tableArn) as unknown;
    expect(json({ links: [{ to: 'table', actions: ['GetItem', 'PutItem'], keyPrefixes: ['REQUEST#', 'AUDIT#'], indexes: ['byParent'] }] })).toEqual([
      {
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Effect: 'Allow',
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['REQUEST#*', 'AUDIT#*'] } },
      },
      { Action: 'dynamodb:Query', Effect: 'Allow', Resource: { 'Fn::Join': ['', [tableArn, '/index/byParent']] } },
    ]);
  });

  it('keeps two table links two statements (no cross product of their actions and prefixes)', () => {
    const statements = json({
      links: [
        { to: 'table', actions: ['DeleteItem'], keyPrefixes: ['PROCESSED#'] },
        { to: 'table', actions: ['Query'], keyPrefixes: ['CUSTOMER#'] },
      ],
    });
    expect(statements.map((s) => [s.Action, (s.Condition as Record<string, Record<string, unknown>>)['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']])).toEqual([
      ['dynamodb:DeleteItem', ['PROCESSED#*']],
      ['dynamodb:Query', ['CUSTOMER#*']],
    ]);
  });

  it('turns a queue link into SendMessage on that queue, the mail link into SendEmail as the identity, and a verifier link into nothing', () => {
    const queueArn = stack.resolve(queueOf['end-sessions']?.queueArn) as unknown;
    expect(json({ links: [{ to: 'queue', queue: 'end-sessions' }, { to: 'mail' }, { to: 'token-verifier' }] })).toEqual([
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: queueArn },
      { Action: 'ses:SendEmail', Effect: 'Allow', Resource: 'arn:aws:ses:eu-west-1:000000000000:identity/example.com' },
    ]);
  });

  it('turns the identity-provider link into exactly the three Cognito admin actions on the user pool', () => {
    expect(json({ links: [{ to: 'identity-provider' }] })).toEqual([
      {
        Action: ['cognito-idp:AdminUserGlobalSignOut', 'cognito-idp:AdminDisableUser', 'cognito-idp:AdminEnableUser'],
        Effect: 'Allow',
        Resource: userPoolArn,
      },
    ]);
  });
});

describe('catalog rules', () => {
  it('finds the catalog sound', () => {
    expect(catalogProblems()).toEqual([]);
  });

  it('asks for a visibility timeout of six times the consumer timeout plus its batching window', () => {
    const consumer = { name: 'slow', timeoutSeconds: 30, maxBatchingWindowSeconds: 5 };
    expect(minimumVisibilityTimeoutSeconds(consumer)).toBe(185);
    const queue = { ...(queues[0] as (typeof queues)[number]) };
    expect(visibilityProblems({ ...queue, visibilityTimeoutSeconds: 185 }, consumer)).toEqual([]);
    expect(visibilityProblems({ ...queue, visibilityTimeoutSeconds: 184 }, consumer)).toEqual([
      `queue ${queue.id}: visibility timeout 184s is below 6 × slow's timeout + its batching window (185s)`,
    ]);
  });

  it('refuses to wire a consumer to a queue that would redeliver while it still runs', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Rules');
    const table = new TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    const spec = queueConsumers[0] as QueueConsumerSpec;
    const queue = new QueueWithDlq(stack, 'Short', { spec: { ...(queues.find((q) => q.id === spec.queue) as (typeof queues)[number]), visibilityTimeoutSeconds: 6 * spec.timeoutSeconds - 1 }, removalPolicy: RemovalPolicy.DESTROY });
    const consumer = new NodeFunction(stack, 'Consumer', {
      spec,
      environment: { ...devValues, tableName: 't' },
      resources: {
        table,
        queue: () => queue.queue,
        sesIdentityArn: 'arn:aws:ses:eu-west-1:000000000000:identity/example.com',
        userPoolArn: 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_EXAMPLE',
      },
      logRetention: stages.dev.logs.retention,
      logRemovalPolicy: RemovalPolicy.DESTROY,
    });
    expect(() => new QueueConsumer(stack, 'Source', { consumer, queue })).toThrow(/visibility timeout .* is below 6 ×/);
  });
});

describe('bundling', () => {
  it('builds the same bundle with esbuild directly as with CDK', () => {
    const cdk = bundlingOptions();
    const plain = esbuildOptions('functions/api/delete-customer.ts', '/tmp/out/index.mjs');
    expect(plain).toEqual(
      expect.objectContaining({
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: cdk.target,
        minify: cdk.minify,
        sourcemap: cdk.sourceMap,
        sourcesContent: cdk.sourcesContent,
        mainFields: cdk.mainFields,
        banner: { js: cdk.banner },
        external: cdk.externalModules ?? [],
      }),
    );
    expect(cdk).toEqual(expect.objectContaining({ format: 'esm', target: 'node24', minify: true, sourceMap: true, mainFields: ['module', 'main'] }));
    expect(plain.entryPoints).toEqual([expect.stringMatching(/functions\/api\/delete-customer\.ts$/)]);
  });
});
