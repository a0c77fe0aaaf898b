import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { functions, queueConsumers, queues, type EnvName, type QueueConsumerSpec, type QueueId } from '../../infra/catalog';
import { catalogProblems, minimumVisibilityTimeoutSeconds, visibilityProblems } from '../../infra/config/catalog-rules';
import { environmentFor, lambdaEnvironment } from '../../infra/config/lambda-environment';
import { stageConfig, stages, validateStageConfig, type StageConfig } from '../../infra/config/stages';
import { bundlingOptions, esbuildOptions, NodeFunction } from '../../infra/constructs/node-function';
import { QueueConsumer } from '../../infra/constructs/queue-consumer';
import { QueueWithDlq } from '../../infra/constructs/queue-with-dlq';

/** Pure checks and single constructs: nothing here synthesizes the service. */

const queueUrls = Object.fromEntries(queues.map((q) => [q.id, `https://sqs.example/${q.id}`])) as Record<QueueId, string>;

describe('stage configuration', () => {
  it.each(Object.keys(stages))('%s is valid', (name) => {
    expect(() => stageConfig(name)).not.toThrow();
  });

  it('refuses an unknown stage', () => {
    expect(() => stageConfig('staging')).toThrow(/Unknown stage "staging"/);
    expect(() => stageConfig(undefined)).toThrow(/Unknown stage/);
  });

  it('refuses a JWKS URL that is not https and a sender outside the SES identity', () => {
    const bad: StageConfig = {
      ...stages.dev,
      auth: { ...stages.dev.auth, jwksUrl: 'http://insecure.example/jwks.json' },
      mail: { sender: 'Someone <a@elsewhere.example>', sesIdentity: 'example.org' },
    };
    expect(() => validateStageConfig(bad)).toThrow(/jwksUrl must be an https URL.*mail.sender/);
  });
});

describe('Lambda environment', () => {
  const env = lambdaEnvironment(stages.dev, { tableName: 'table-token', queueUrls });

  it('gives every catalog variable a value', () => {
    const used = new Set<EnvName>(functions.flatMap((f) => f.env));
    for (const name of used) expect({ name, value: env[name] }).toEqual({ name, value: expect.stringMatching(/.+/) });
  });

  it('maps each queue URL through the catalog urlEnv', () => {
    for (const q of queues) expect(env[q.urlEnv]).toBe(queueUrls[q.id]);
    expect(env.TABLE_NAME).toBe('table-token');
    expect(env.MAIL_TRANSPORT).toBe('ses');
  });

  it.each(functions.map((f) => [f.name, f] as const))('%s gets exactly its listed variables', (_name, spec) => {
    expect(Object.keys(environmentFor(spec, env)).sort()).toEqual([...spec.env].sort());
  });

  it('refuses to deploy a function with an empty variable', () => {
    expect(() => environmentFor({ name: 'x', env: ['MAIL_SENDER'] }, { ...env, MAIL_SENDER: '' })).toThrow('x: environment variable MAIL_SENDER has no value');
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
    const queue = new QueueWithDlq(stack, 'Short', { spec: { ...(queues.find((q) => q.id === spec.queue) as (typeof queues)[number]), visibilityTimeoutSeconds: 6 * spec.timeoutSeconds - 1 } });
    const consumer = new NodeFunction(stack, 'Consumer', {
      spec,
      environment: lambdaEnvironment(stages.dev, { tableName: 't', queueUrls }),
      table,
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
    expect(cdk).toEqual(expect.objectContaining({ format: 'esm', target: 'node22', minify: true, sourceMap: true, mainFields: ['module', 'main'] }));
    expect(plain.entryPoints).toEqual([expect.stringMatching(/functions\/api\/delete-customer\.ts$/)]);
  });
});
