import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import ts from 'typescript';
import * as realCatalog from '../../infra/catalog';
import { stages } from '../../infra/config/stages';
import { pascal } from '../../infra/stacks/messaging-stack';
import type { CascadeEvent } from '../../shared/events/cascade-event';
import { cascadeEventFactory, emailEventFactory } from '../fixtures/cascade-events';
import { sqsEventFactory, sqsRecordFactory } from '../unit/workers/factories';
import { synthesizeService, type SynthesizedService } from './support/service-app';
import {
  actionsOf,
  importedLogicalId,
  matchesStringLike,
  placeholderEnvironment,
  REPO_ROOT,
  SDK_ENVIRONMENT,
  specOf,
  templateFunctions,
  withIsolatedEnvironment,
  type PolicyStatementJson,
  type TemplateFunction,
} from './support/template-functions';

/**
 * Environment and grant parity: what each function's CODE needs at cold start and at run time,
 * against what its TEMPLATE gives it (environment variables, role statements). The catalog's
 * links produce both sides of each pair in one place; these tests check the result from the
 * outside, by running the handler modules against the synthesized template, so a derivation bug
 * (or a hand-written exception) shows up as a function that cannot start or is denied in AWS.
 */

type HandlerModule = { handler: (event: unknown, context: Context) => Promise<unknown> };

const CATALOG_PATH = join(REPO_ROOT, 'infra', 'catalog');

let service: SynthesizedService;
let fns: TemplateFunction[];

beforeAll(() => {
  service = synthesizeService(stages.dev);
  fns = templateFunctions(service);
}, 60_000);

afterAll(() => service?.cleanup());

/** Imports a handler module (its cold start: `handler = xFromEnv(process.env)`); the caller isolates the registry. */
async function loadHandler(entry: string): Promise<HandlerModule> {
  return (await import(join(REPO_ROOT, entry))) as HandlerModule;
}

/** Imports `entry` with `process.env` set to exactly `env` plus the SDK's region and fake credentials. */
function coldStart(entry: string, env: Record<string, string>): Promise<HandlerModule> {
  return withIsolatedEnvironment({ ...env, ...SDK_ENVIRONMENT }, () => loadHandler(entry));
}

const APP_VARIABLES_READ_BY_POWERTOOLS = new Set<string>(realCatalog.COMMON_VARIABLES);

describe('every function starts with exactly its template environment', () => {
  it('finds every catalog function in the template, under its catalog entry', () => {
    expect(fns.map((f) => `${f.name} (${f.entry})`).sort()).toEqual(realCatalog.functions.map((f) => `${f.name} (${f.entry})`).sort());
  });

  it('resolves every CloudFormation token of an environment to a placeholder of its kind', () => {
    for (const fn of fns) {
      const env = placeholderEnvironment(fn.variables);
      expect({ fn: fn.name, unresolved: Object.entries(env).filter(([, value]) => /Unresolved|placeholder-/.test(value)) }).toEqual({ fn: fn.name, unresolved: [] });
    }
  });

  it.each(realCatalog.functions.map((f) => [f.name] as const))('%s: its handler module initializes with its template environment only', async (name) => {
    const fn = fns.find((f) => f.name === name) as TemplateFunction;
    const spec = specOf(fn, realCatalog.functions);
    const module = await coldStart(spec.entry, placeholderEnvironment(fn.variables));
    expect(typeof module.handler).toBe('function');
  });

  // The reverse, so the test above can fail: each variable the code reads at init is one it needs.
  const pairs = realCatalog.functions.flatMap((f) =>
    realCatalog
      .variablesOf(f)
      .filter((variable) => !APP_VARIABLES_READ_BY_POWERTOOLS.has(variable))
      .map((variable) => [f.name, variable] as const),
  );

  it.each(pairs)('%s: cannot start without %s', async (name, variable) => {
    const fn = fns.find((f) => f.name === name) as TemplateFunction;
    const { [variable]: removed, ...rest } = placeholderEnvironment(fn.variables);
    expect(removed).toEqual(expect.stringMatching(/.+/));
    await expect(coldStart(fn.entry, rest)).rejects.toThrow(`${variable} environment variable is not set`);
  });

  // POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL are read by the Powertools Logger, which falls
  // back to defaults: a missing one cannot fail a cold start. What is checked is that the level is read.
  it.each(realCatalog.functions.map((f) => [f.name] as const))('%s: its logger takes POWERTOOLS_LOG_LEVEL from the template', async (name) => {
    const fn = fns.find((f) => f.name === name) as TemplateFunction;
    const env = { ...placeholderEnvironment(fn.variables), ...SDK_ENVIRONMENT };
    expect(env).toEqual(expect.objectContaining({ POWERTOOLS_LOG_LEVEL: stages.dev.logs.level, POWERTOOLS_SERVICE_NAME: 'customer-deletion' }));
    const level = await withIsolatedEnvironment(env, async () => {
      await loadHandler(fn.entry);
      const { logger } = await import('../../shared/observability/logger');
      return logger.getLevelName();
    });
    expect(level).toBe(stages.dev.logs.level);
  });
});

/* ------------------------------------------------------------------------------------------- */

/**
 * The probe that broke the old code. There, the outbox relay's environment and grants were listed
 * by hand (`env: [...three queue URL variables]`, `publishesTo: [...three queues]`), and the relay's
 * module read `process.env` at import for the queues it knew. Adding a fourth step to the catalog
 * created its queue and consumer, but the relay's template still had three URLs and three
 * SendMessage grants: its cold start threw `<NEW>_QUEUE_URL environment variable is not set` (or,
 * where the code skipped the missing URL, every event for the new step was denied in AWS).
 * Now the relay's links are derived from `steps`, so the new step's URL and grant come with it.
 *
 * The probe re-evaluates the REAL catalog source with one more step appended to `steps`, so every
 * derived value (queues, queueIds, queueConsumers, outboxRelay, functions, and the functions that
 * close over them) is recomputed by the catalog's own code, then mocks `infra/catalog` with it.
 */
const PROBE_STEP = {
  name: 'subscriptions',
  joins: [{ type: 'customer.delete' }],
  queue: { maxReceiveCount: 5, visibilityTimeoutSeconds: 300, retentionDays: 14, dlqRetentionDays: 14 },
  consumer: {
    name: 'cancel-subscriptions',
    // An existing handler file stands in for the probe's consumer: only its environment matters here.
    entry: 'functions/workers/end-sessions.ts',
    timeoutSeconds: 30,
    memoryMb: 512,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    maxConcurrency: 5,
    links: [
      { to: 'table', actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], keyPrefixes: ['PROCESSED#', 'REQUEST#'] },
      { to: 'table', actions: ['Query', 'UpdateItem'], keyPrefixes: ['CUSTOMER#'] },
    ],
  },
} as const;

const STEPS_END = '] as const satisfies readonly StepDeclaration[];';

/** The real catalog module, evaluated from its source with `extraSteps` appended to `steps`. */
function catalogWithExtraSteps(extraSteps: readonly unknown[]): typeof realCatalog {
  const source = readFileSync(`${CATALOG_PATH}.ts`, 'utf8');
  if (source.split(STEPS_END).length !== 2) throw new Error(`infra/catalog.ts no longer ends its steps with "${STEPS_END}": update the probe`);
  const patched = source.replace(STEPS_END, `  ...__extraSteps,\n${STEPS_END}`);
  const js = ts.transpileModule(patched, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  // The catalog imports types only, so the compiled module needs no `require`.
  new Function('exports', 'module', '__extraSteps', js)(module.exports, module, extraSteps);
  return module.exports as unknown as typeof realCatalog;
}

describe('the probe: a fourth step added to the catalog', () => {
  let probe: { catalog: typeof realCatalog; service: SynthesizedService; fns: TemplateFunction[]; relayStarts: true | string; consumerStarts: true | string };

  beforeAll(async () => {
    // A doMock outlives the isolated registry it was made in: every use is undone with dontMock.
    await jest.isolateModulesAsync(async () => {
      const catalog = catalogWithExtraSteps([PROBE_STEP]);
      jest.doMock(CATALOG_PATH, () => catalog);
      try {
        const app = await import('./support/service-app');
        const probeService = app.synthesizeService(stages.dev);
        probe = { catalog, service: probeService, fns: templateFunctions(probeService), relayStarts: 'not run', consumerStarts: 'not run' };
      } finally {
        jest.dontMock(CATALOG_PATH);
      }
    });
    const relay = probe.fns.find((f) => f.name === 'outbox-relay') as TemplateFunction;
    const consumer = probe.fns.find((f) => f.name === 'cancel-subscriptions') as TemplateFunction;
    for (const [fn, key] of [
      [relay, 'relayStarts'],
      [consumer, 'consumerStarts'],
    ] as const) {
      await withIsolatedEnvironment({ ...placeholderEnvironment(fn.variables), ...SDK_ENVIRONMENT }, async () => {
        jest.doMock(CATALOG_PATH, () => probe.catalog);
        try {
          const module = await loadHandler(fn.entry);
          probe[key] = typeof module.handler === 'function' || 'no handler export';
        } catch (error) {
          // Kept to be reported by the test below (the old relay: `CANCEL_SUBSCRIPTIONS_QUEUE_URL environment variable is not set`).
          probe[key] = String(error);
        } finally {
          jest.dontMock(CATALOG_PATH);
        }
      });
    }
  }, 60_000);

  afterAll(() => probe?.service.cleanup());

  it('has the new step in the evaluated catalog, derived everywhere', () => {
    expect(probe.catalog.steps.map((s) => s.name)).toEqual([...realCatalog.steps.map((s) => s.name), 'subscriptions']);
    expect(probe.catalog.queueIds).toContain('cancel-subscriptions');
    expect(probe.catalog.functions.map((f) => f.name)).toContain('cancel-subscriptions');
    expect(probe.catalog.outboxRelay.links).toContainEqual({ to: 'queue', queue: 'cancel-subscriptions' });
  });

  it("gives the relay the new queue's URL in its template environment", () => {
    const relay = probe.fns.find((f) => f.name === 'outbox-relay') as TemplateFunction;
    expect(Object.keys(relay.variables)).toContain('CANCEL_SUBSCRIPTIONS_QUEUE_URL');
    expect(importedLogicalId(relay.variables.CANCEL_SUBSCRIPTIONS_QUEUE_URL)).toMatch(/^CancelSubscriptionsQueue[0-9A-F]{8}$/);
  });

  it('grants the relay sqs:SendMessage on the new queue', () => {
    const relay = probe.fns.find((f) => f.name === 'outbox-relay') as TemplateFunction;
    const queueLogicalId = importedLogicalId(relay.variables.CANCEL_SUBSCRIPTIONS_QUEUE_URL) as string;
    const sends = relay.statements.filter((s) => actionsOf(s).includes('sqs:SendMessage') && importedLogicalId(s.Resource) === queueLogicalId);
    expect(sends).toHaveLength(1);
  });

  it('creates the queue with its DLQ, and feeds it to its consumer', () => {
    const sqsQueues = probe.service.templates.messaging.findResources('AWS::SQS::Queue') as Record<string, { Properties: Record<string, unknown> }>;
    const queueId = Object.keys(sqsQueues).find((id) => /^CancelSubscriptionsQueue[0-9A-F]{8}$/.test(id)) as string;
    const dlqId = Object.keys(sqsQueues).find((id) => /^CancelSubscriptionsDlq[0-9A-F]{8}$/.test(id)) as string;
    expect(sqsQueues[queueId]?.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 });
    const consumer = probe.fns.find((f) => f.name === 'cancel-subscriptions') as TemplateFunction;
    const mappings = Object.values(probe.service.templates.workers.findResources('AWS::Lambda::EventSourceMapping')) as { Properties: Record<string, unknown> }[];
    const feeding = mappings.filter((m) => (m.Properties.FunctionName as { Ref: string }).Ref === consumer.logicalId);
    expect(feeding).toHaveLength(1);
    expect(importedLogicalId(feeding[0]?.Properties.EventSourceArn)).toBe(queueId);
  });

  it('starts the relay, and the new consumer, with their template environments', () => {
    expect({ relay: probe.relayStarts, consumer: probe.consumerStarts }).toEqual({ relay: true, consumer: true });
  });
});

/* ------------------------------------------------------------------------------------------- */

/** One AWS call the code made, as IAM authorizes it. */
interface Use {
  action: string;
  /** The table's partition key the call names (dynamodb:LeadingKeys), when on the table. */
  partitionKey?: string;
  index?: string;
  /** The queue's logical id (from its placeholder URL), for sqs:SendMessage. */
  queue?: string;
  /** The From address, for ses:SendEmail. */
  from?: string;
  /** The user pool id, for cognito-idp actions. */
  userPool?: string;
}

interface Command {
  constructor: { name: string };
  input: Record<string, unknown>;
}

const DOCUMENT_ACTIONS: Record<string, string> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
};
const TRANSACT_ACTIONS: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };

const PK = realCatalog.table.partitionKey;

/** The partition key a Query names: the value bound to `<pk> = :x` in its key condition. */
function queriedPartitionKey(input: Record<string, unknown>): string | undefined {
  const keyName = input.IndexName === undefined ? PK : realCatalog.table.globalSecondaryIndexes.find((i) => i.indexName === input.IndexName)?.partitionKey;
  const placeholder = new RegExp(`\\b${keyName}\\s*=\\s*(:\\w+)`).exec(String(input.KeyConditionExpression))?.[1];
  return placeholder === undefined ? undefined : String((input.ExpressionAttributeValues as Record<string, unknown>)[placeholder]);
}

/** The IAM actions (and the keys and resources they name) a recorded SDK command needs. */
function usesOf(command: Command): Use[] {
  const name = command.constructor.name;
  const input = command.input;
  if (name === 'TransactWriteCommand') {
    return (input.TransactItems as Record<string, Record<string, unknown>>[]).flatMap((item) =>
      Object.entries(item).map(([kind, op]): Use => {
        const key = (op.Key ?? op.Item) as Record<string, unknown>;
        return { action: `dynamodb:${TRANSACT_ACTIONS[kind] ?? `Unmapped(${kind})`}`, partitionKey: String(key[PK]) };
      }),
    );
  }
  // Batch reads and writes: one use per key, so each key is checked against the role's leading keys.
  if (name === 'BatchGetCommand' || name === 'BatchWriteCommand') {
    const action = name === 'BatchGetCommand' ? 'dynamodb:BatchGetItem' : 'dynamodb:BatchWriteItem';
    return Object.values(input.RequestItems as Record<string, unknown>).flatMap((entry) => {
      const keys: Record<string, unknown>[] =
        name === 'BatchGetCommand'
          ? ((entry as { Keys: Record<string, unknown>[] }).Keys ?? [])
          : (entry as { PutRequest?: { Item: Record<string, unknown> }; DeleteRequest?: { Key: Record<string, unknown> } }[]).map((r) => r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {});
      return keys.map((key): Use => ({ action, partitionKey: String(key[PK]) }));
    });
  }
  if (name === 'QueryCommand') {
    const index = input.IndexName as string | undefined;
    return [{ action: 'dynamodb:Query', ...(index ? { index } : { partitionKey: queriedPartitionKey(input) }) }];
  }
  const documentAction = DOCUMENT_ACTIONS[name];
  if (documentAction) {
    const key = (input.Key ?? input.Item) as Record<string, unknown>;
    return [{ action: `dynamodb:${documentAction}`, partitionKey: String(key[PK]) }];
  }
  if (name === 'SendMessageCommand') return [{ action: 'sqs:SendMessage', queue: String(input.QueueUrl).split('/').pop() as string }];
  if (name === 'SendEmailCommand') return [{ action: 'ses:SendEmail', from: String(input.FromEmailAddress) }];
  const cognito = /^(Admin\w+)Command$/.exec(name)?.[1];
  if (cognito) return [{ action: `cognito-idp:${cognito}`, userPool: String(input.UserPoolId) }];
  return [{ action: `unmapped:${name}` }];
}

/** Whether one role statement allows one use (action, and the table key, index, queue or identity it names). */
function statementAllows(statement: PolicyStatementJson, use: Use): boolean {
  if (statement.Effect !== 'Allow' || !actionsOf(statement).includes(use.action)) return false;
  const resource = JSON.stringify(statement.Resource);
  if (use.action.startsWith('dynamodb:')) {
    if (!resource.includes('DeletionTable') || resource.includes('StreamArn')) return false;
    if (use.index !== undefined) return resource.includes(`/index/${use.index}`);
    if (resource.includes('/index/')) return false;
    const leadingKeys = [statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []].flat();
    return use.partitionKey !== undefined && leadingKeys.some((pattern) => matchesStringLike(pattern, use.partitionKey as string));
  }
  if (use.action === 'sqs:SendMessage') return importedLogicalId(statement.Resource) === use.queue;
  if (use.action === 'ses:SendEmail') {
    const domain = /@([^>\s]+)>?$/.exec(use.from ?? '')?.[1];
    return domain !== undefined && resource.includes(`:identity/${domain}"`);
  }
  if (use.action.startsWith('cognito-idp:')) return use.userPool !== undefined && resource.includes(`:userpool/${use.userPool}"`);
  return false;
}

/** How the fake AWS answers during a run. */
interface Scenario {
  /** The step's own work fails (the first call on a key that is not bookkeeping): release and failure paths. */
  failWork?: boolean;
  /** The idempotency claim finds a marker already there: the duplicate path. */
  duplicate?: boolean;
}

const BOOKKEEPING = /^(PROCESSED|REQUEST)#/;

/** A soft-deleted customer past its purge date, whose soft delete's request the purge checks. */
const DUE_FOR_PURGE = { purgeAfter: '2026-01-01T00:00:00.000Z', deleteRequestId: '6f1c1f8e-6d3a-4d55-9b3e-0f6d8f2b7a10' };

/**
 * Imports a handler with its template environment, answers every AWS call it makes from canned
 * responses (recording the command), drives it with `events`, and returns what it called.
 */
async function driveRecording(fn: TemplateFunction, events: unknown[], scenario: Scenario = {}): Promise<{ uses: Use[]; results: unknown[] }> {
  const env = { ...placeholderEnvironment(fn.variables), ...SDK_ENVIRONMENT };
  return withIsolatedEnvironment(env, async () => {
    const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
    const { DynamoDBClient, ConditionalCheckFailedException } = await import('@aws-sdk/client-dynamodb');
    const { SQSClient } = await import('@aws-sdk/client-sqs');
    const { SESv2Client } = await import('@aws-sdk/client-sesv2');
    const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
    const recorded: Command[] = [];
    let workFailed = false;
    const respond = async (command: Command): Promise<unknown> => {
      recorded.push(command);
      const uses = usesOf(command);
      const key = uses[0]?.partitionKey ?? '';
      if (scenario.failWork && !workFailed && !BOOKKEEPING.test(key)) {
        workFailed = true;
        throw Object.assign(new Error('simulated transient failure'), { name: 'ServiceUnavailable' });
      }
      switch (command.constructor.name) {
        case 'PutCommand':
          if (scenario.duplicate && key.startsWith('PROCESSED#')) throw new ConditionalCheckFailedException({ message: 'exists', $metadata: {} });
          return {};
        case 'GetCommand':
          if (key.startsWith('REQUEST#')) return { Item: requestItem() };
          if (key.startsWith('PROCESSED#')) return { Item: { status: 'COMPLETE' } };
          // No Idempotency-Key stored yet: a split's deletion is decided afresh.
          if (key.startsWith('IDEMPOTENCY#')) return {};
          return { Item: { id: 'cust-1001', email: 'alice@customer.example', name: 'Alice Martin', status: 'DELETED', ...DUE_FOR_PURGE } };
        case 'QueryCommand':
          // The purge index: one due customer.
          if (command.input.IndexName === 'byPurgeDate') return { Items: [{ id: 'cust-1001', ...DUE_FOR_PURGE }] };
          // byTime's first OPEN shard: one SUCCESS request, old enough for the reconciler; its outbox: an event per step.
          if (command.input.IndexName === 'byTime') {
            const values = Object.values(command.input.ExpressionAttributeValues as Record<string, unknown>);
            return { Items: values.includes('REQUESTS_OPEN#0') ? [{ timeSk: `${STUCK_REQUEST.createdAt}#${STUCK_REQUEST.requestId}`, status: 'SUCCESS' }] : [] };
          }
          if (key.startsWith('OUTBOX#')) return { Items: outboxItems(STUCK_REQUEST) };
          // A bulk deletion's partition: the batch request (one customer to delete, by an ADMIN), no outcome recorded yet.
          if (key.startsWith('REQUEST#')) return { Items: [{ pk: key, sk: 'REQUEST', ...requestItem(), type: 'batch', actor: { sub: 'admin-1', role: 'ADMIN', accountId: 'platform' }, mode: 'soft', reason: null, customerIds: ['cust-1001'], actorScopes: ['customers:delete'] }] };
          return { Items: [{ pk: key, sk: `${String((command.input.ExpressionAttributeValues as Record<string, unknown>)[':prefix'] ?? 'ITEM#')}1` }] };
        case 'SendMessageCommand':
        case 'SendEmailCommand':
          return { MessageId: 'fake-message-id' };
        case 'AdminUserGlobalSignOutCommand':
        case 'AdminDisableUserCommand':
          return { $metadata: {} };
        default:
          return {};
      }
    };
    const record = (client: { prototype: object }) => jest.spyOn(client.prototype as { send: (c: Command) => Promise<unknown> }, 'send').mockImplementation(respond);
    // The SDK's classes are shared by every isolated registry (SHARED_PACKAGES): the spies end with this run.
    const spies = [DynamoDBDocumentClient, DynamoDBClient, SQSClient, SESv2Client, CognitoIdentityProviderClient].map((client) => record(client as unknown as { prototype: object }));
    try {
      const module = await loadHandler(fn.entry);
      // The runs' own log lines are not what is tested here.
      (await import('../../shared/observability/logger')).logger.setLogLevel('SILENT');
      const results: unknown[] = [];
      for (const event of events) results.push(await module.handler(event, lambdaContext(fn.name)));
      return { uses: recorded.flatMap(usesOf), results };
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
}

/** A request the reconciler finds stuck: created long ago, SUCCESS with its receipt pending, its outbox never relayed. */
const STUCK_REQUEST = { requestId: '0b9d5c3e-2f4a-4c1e-8d7b-6a5f4e3d2c1b', createdAt: '2026-01-01T00:00:00.000Z' };

/** One outbox item per declared step's queue, as the delete transaction writes them. */
function outboxItems(request: { requestId: string; createdAt: string }): Record<string, unknown>[] {
  return realCatalog.steps.map((step) => {
    const event = cascadeEventFactory({ requestId: request.requestId });
    return {
      pk: `OUTBOX#${request.requestId}`,
      sk: `EVENT#${step.consumer.name}`,
      entityType: 'outbox',
      queue: step.consumer.name,
      eventId: event.eventId,
      requestId: request.requestId,
      body: JSON.stringify(event),
      createdAt: request.createdAt,
    };
  });
}

/** A request as the delete API wrote it: every declared step PENDING. */
function requestItem(): Record<string, unknown> {
  const at = '2026-11-22T07:30:00.000Z';
  return {
    status: 'IN_PROGRESS',
    steps: Object.fromEntries(realCatalog.steps.map((s) => [s.name, { status: 'PENDING', attempts: 0, updatedAt: at }])),
    updatedAt: at,
    progressVersion: 1,
  };
}

function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'fake-aws-request-id',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'fake-stream',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function sqsEventOf(...events: CascadeEvent[]): SQSEvent {
  return sqsEventFactory(events.map((event) => sqsRecordFactory(event)));
}

/** One outbox INSERT per declared step's queue, as the table's stream delivers it. */
function outboxStreamEvent(): DynamoDBStreamEvent {
  return {
    Records: realCatalog.steps.map((step, i) => {
      const event = cascadeEventFactory();
      const item = {
        pk: `OUTBOX#${event.requestId}`,
        sk: `EVENT#${step.consumer.name}`,
        entityType: 'outbox',
        queue: step.consumer.name,
        eventId: event.eventId,
        requestId: event.requestId,
        body: JSON.stringify(event),
      };
      return {
        eventID: `fake-${i}`,
        eventName: 'INSERT' as const,
        eventSource: 'aws:dynamodb',
        awsRegion: 'eu-west-1',
        dynamodb: {
          Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
          NewImage: marshall(item) as never,
          SequenceNumber: String(1000 + i),
          StreamViewType: 'NEW_IMAGE' as const,
        },
      };
    }),
  };
}

/** A request item's MODIFY flagged receiptPending, as the receipt signer's filter lets it through. */
function receiptPendingStreamEvent(): DynamoDBStreamEvent {
  const item = { pk: 'REQUEST#req-1', sk: 'REQUEST', status: 'SUCCESS', receiptPending: true };
  return {
    Records: [
      {
        eventID: 'fake-receipt',
        eventName: 'MODIFY',
        eventSource: 'aws:dynamodb',
        awsRegion: 'eu-west-1',
        dynamodb: { Keys: marshall({ pk: item.pk, sk: item.sk }) as never, NewImage: marshall(item) as never, SequenceNumber: '2000', StreamViewType: 'NEW_IMAGE' },
      },
    ],
  };
}

/** The events each worker is driven with: every subject kind its step handles. */
const WORKER_EVENTS: Record<string, () => unknown[]> = {
  'outbox-relay': () => [outboxStreamEvent()],
  // The fake table's request is IN_PROGRESS: the signer reads it and signs nothing (its KMS grant is
  // checked on the template in service-stacks.test.ts, its signing against a KMS endpoint in test/unit/receipts).
  'receipt-signer': () => [receiptPendingStreamEvent()],
  // A customer's logins come from the table; a user's is the subject's own.
  'disable-logins': () => [sqsEventOf(cascadeEventFactory(), cascadeEventFactory({ subject: { type: 'user', customerId: 'cust-1001', userId: 'user-7' } }))],
  'revoke-devices': () => [sqsEventOf(cascadeEventFactory(), cascadeEventFactory({ subject: { type: 'user', customerId: 'cust-1001', userId: 'user-7' } }))],
  'end-sessions': () => [sqsEventOf(cascadeEventFactory(), cascadeEventFactory({ subject: { type: 'user', customerId: 'cust-1001', userId: 'user-7' } }))],
  // Without a recipient the consumer reads the address from the table; with one it does not.
  'send-email': () => [sqsEventOf(cascadeEventFactory(), cascadeEventFactory({ subject: { type: 'user', customerId: 'cust-1001', userId: 'user-7' } }), emailEventFactory())],
  'erase-logins': () => [sqsEventOf(cascadeEventFactory({ mode: 'hard' }))],
  // A batch whose request the fake table does not hold: the split reads its partition and records the step.
  // Its one customer (DELETED in the fake table) is decided through DeletionService and its outcome recorded.
  'split-batch': () => [sqsEventOf({ ...cascadeEventFactory(), eventType: 'batch.requested', subject: { type: 'batch', size: 1 } })],
};

function expectEveryUseGranted(fn: TemplateFunction, uses: Use[]): void {
  const denied = uses.filter((use) => !fn.statements.some((statement) => statementAllows(statement, use)));
  expect({ fn: fn.name, denied }).toEqual({ fn: fn.name, denied: [] });
}

describe('every AWS call a worker makes is allowed by its role', () => {
  it('drives every worker of the catalog', () => {
    expect([...Object.keys(WORKER_EVENTS), 'purge-due', 'reconcile'].sort()).toEqual(realCatalog.functions.filter((f) => f.kind !== 'api').map((f) => f.name).sort());
  });

  it('purge-due: a due customer purged in one transaction, every call granted', async () => {
    const fn = fns.find((f) => f.name === 'purge-due') as TemplateFunction;
    const { uses, results } = await driveRecording(fn, [{ source: 'aws.events', 'detail-type': 'Scheduled Event' }]);
    expect(results).toEqual([{ purged: 1, held: 0, waiting: 0, skipped: 0, failed: 0, truncated: false }]);
    expect(uses).toEqual(expect.arrayContaining([{ action: 'dynamodb:Query', index: 'byPurgeDate' }, { action: 'dynamodb:ConditionCheckItem', partitionKey: `REQUEST#${DUE_FOR_PURGE.deleteRequestId}` }]));
    expectEveryUseGranted(fn, uses);
  });

  it('reconcile: the open requests from byTime, a stuck outbox republished and removed, a receipt asked for again, every call granted', async () => {
    const fn = fns.find((f) => f.name === 'reconcile') as TemplateFunction;
    const { uses, results } = await driveRecording(fn, [{ source: 'aws.events', 'detail-type': 'Scheduled Event' }]);
    expect(results).toEqual([expect.objectContaining({ republishFailed: 0, reaskedReceipts: [STUCK_REQUEST.requestId] })]);
    expect((results[0] as { republished: unknown[] }).republished).toHaveLength(realCatalog.steps.length);
    expect(uses).toEqual(
      expect.arrayContaining([
        { action: 'dynamodb:Query', index: 'byTime' },
        { action: 'dynamodb:Query', partitionKey: `OUTBOX#${STUCK_REQUEST.requestId}` },
        { action: 'dynamodb:DeleteItem', partitionKey: `OUTBOX#${STUCK_REQUEST.requestId}` },
        { action: 'dynamodb:UpdateItem', partitionKey: `REQUEST#${STUCK_REQUEST.requestId}` },
      ]),
    );
    expect(uses.filter((u) => u.action === 'sqs:SendMessage')).toHaveLength(realCatalog.steps.length);
    expectEveryUseGranted(fn, uses);
  });

  it.each(Object.keys(WORKER_EVENTS).map((name) => [name] as const))('%s: the successful path', async (name) => {
    const fn = fns.find((f) => f.name === name) as TemplateFunction;
    const { uses, results } = await driveRecording(fn, (WORKER_EVENTS[name] as () => unknown[])());
    for (const result of results) expect(result).toEqual({ batchItemFailures: [] });
    expect(uses.length).toBeGreaterThan(0);
    expectEveryUseGranted(fn, uses);
  });

  it('outbox-relay: publishes to every step queue and removes each outbox item', async () => {
    const fn = fns.find((f) => f.name === 'outbox-relay') as TemplateFunction;
    const { uses } = await driveRecording(fn, [outboxStreamEvent()]);
    // The queue each message went to, by the logical id its URL names (without CDK's hash).
    const queues = uses.filter((u) => u.action === 'sqs:SendMessage').map((u) => String(u.queue).replace(/[0-9A-F]{8}$/, ''));
    expect([...queues].sort()).toEqual(realCatalog.steps.map((s) => `${pascal(s.consumer.name)}Queue`).sort());
    expect(uses.filter((u) => u.action === 'dynamodb:DeleteItem')).toHaveLength(realCatalog.steps.length);
  });

  it.each(realCatalog.queueConsumers.map((f) => [f.name] as const))('%s: the failure path (release the claim, record the failure)', async (name) => {
    const fn = fns.find((f) => f.name === name) as TemplateFunction;
    const { uses, results } = await driveRecording(fn, (WORKER_EVENTS[name] as () => unknown[])(), { failWork: true });
    expect((results[0] as SQSBatchResponse).batchItemFailures).toHaveLength(1);
    expect(uses.filter((u) => u.action === 'dynamodb:DeleteItem' && u.partitionKey?.startsWith('PROCESSED#'))).toHaveLength(1);
    expectEveryUseGranted(fn, uses);
  });

  it.each(realCatalog.queueConsumers.map((f) => [f.name] as const))('%s: the duplicate path (the marker is already there)', async (name) => {
    const fn = fns.find((f) => f.name === name) as TemplateFunction;
    const { uses, results } = await driveRecording(fn, (WORKER_EVENTS[name] as () => unknown[])(), { duplicate: true });
    for (const result of results) expect(result).toEqual({ batchItemFailures: [] });
    expect(uses.some((u) => u.action === 'dynamodb:GetItem' && u.partitionKey?.startsWith('PROCESSED#'))).toBe(true);
    expectEveryUseGranted(fn, uses);
  });

  it('would catch a call outside the role (the check itself is not vacuous)', () => {
    const fn = fns.find((f) => f.name === 'revoke-devices') as TemplateFunction;
    const outside: Use[] = [
      { action: 'dynamodb:DeleteItem', partitionKey: 'CUSTOMER#cust-1001' },
      { action: 'dynamodb:PutItem', partitionKey: 'OUTBOX#x' },
      { action: 'dynamodb:Query', index: 'byParent' },
      { action: 'sqs:SendMessage', queue: 'RevokeDevicesQueue787BA4A3' },
      { action: 'ses:SendEmail', from: 'x <no-reply@dev.example.com>' },
      { action: 'cognito-idp:AdminDisableUser', userPool: stages.dev.identity.userPoolId },
    ];
    for (const use of outside) expect({ use, allowed: fn.statements.some((s) => statementAllows(s, use)) }).toEqual({ use, allowed: false });
    expect(fn.statements.some((s) => statementAllows(s, { action: 'dynamodb:UpdateItem', partitionKey: 'CUSTOMER#cust-1001' }))).toBe(true);
  });

  it('would catch disable-logins calling Cognito outside its pool or its three actions, or changing a customer item', () => {
    const fn = fns.find((f) => f.name === 'disable-logins') as TemplateFunction;
    const outside: Use[] = [
      { action: 'cognito-idp:AdminDisableUser', userPool: 'us-east-1_OTHER' },
      { action: 'cognito-idp:AdminDeleteUser', userPool: stages.dev.identity.userPoolId },
      { action: 'dynamodb:UpdateItem', partitionKey: 'CUSTOMER#cust-1001' },
    ];
    for (const use of outside) expect({ use, allowed: fn.statements.some((s) => statementAllows(s, use)) }).toEqual({ use, allowed: false });
    for (const action of ['AdminUserGlobalSignOut', 'AdminDisableUser', 'AdminEnableUser']) {
      const use: Use = { action: `cognito-idp:${action}`, userPool: stages.dev.identity.userPoolId };
      expect({ use, allowed: fn.statements.some((s) => statementAllows(s, use)) }).toEqual({ use, allowed: true });
    }
  });
});
