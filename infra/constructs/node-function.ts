import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LayerVersion, Runtime, Tracing, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { BuildOptions } from 'esbuild';
import { queueIds, tableLinksOf, type FunctionSpec, type QueueId } from '../catalog';
import { environmentFor, type EnvironmentValues } from '../config/lambda-environment';

/** The repository root: catalog entries are relative to it. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** Node.js 24 (supported by Lambda until April 2028; nodejs22.x ends in April 2027). The code is written and
 * tested on Node 20 (`@types/node` 20, engines >= 20.19), so it uses no API newer than every runtime it runs on. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;
export const LAMBDA_ARCHITECTURE = Architecture.ARM_64;

/** ESM output still meets CommonJS dependencies that call `require`: give them one. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * The AWS SDK v3 IS bundled (tree-shaken, minified, pinned by our lock file), for the cold start:
 * importing one file is several times faster than resolving the SDK's hundreds of modules from
 * node_modules. What is left out is only what the SDK loads lazily, with a dynamic `import()`, for
 * credential sources other than the environment: SSO, ini profiles, credential processes, web
 * identity, container/instance metadata, and the STS/SSO clients behind them. In Lambda the
 * credentials are in the environment, so these never load; if they ever did, the nodejs24.x
 * runtime provides them. Measured with esbuild 0.28 (client-dynamodb 3.1162): delete-customer is
 * 273 KB this way, against 402 KB with the whole default credential chain and 67 KB with no SDK
 * (measured before Powertools moved to the layer and event streams left the bundle: 276 KB today).
 */
/**
 * Loaded only by dynamic import, for non-environment credentials; provided by the runtime.
 *
 * `@smithy/core/event-streams` too: the SDK's HTTP protocol imports it with `await import()` only to
 * serialize or parse an operation's event-stream member, and no operation our functions call has one
 * (DynamoDB, SQS, SES v2, Cognito's admin actions, KMS: plain request/response APIs). Bundled, it was
 * 19 KB of every function (its codec, the marshallers and the SHA-256/CRC32 checksums they use) that
 * never runs. If an operation with an event stream were ever called, the import would load the
 * runtime's copy, like the credential providers above.
 */
export const LAZY_RUNTIME_MODULES = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
  '@smithy/credential-provider-imds',
  '@smithy/core/event-streams',
];

/**
 * Powertools (Logger, Metrics, Tracer) and the X-Ray SDK under Tracer come from the Powertools Lambda layer, not the
 * bundle. Measured with esbuild 0.28 (delete-customer): 331 KB with Logger and Metrics bundled, 452 KB with Tracer
 * and the X-Ray SDK bundled too (over the 350 KB budget), 300 KB with all of them in the layer. The layer is the one published
 * for the installed version (POWERTOOLS_VERSION), so AWS runs the code the tests ran; locally (no layer) the same
 * modules resolve from node_modules.
 */
export const POWERTOOLS_LAYER_MODULES = ['@aws-lambda-powertools/*', 'aws-xray-sdk-core'];

/** The installed Powertools version: every @aws-lambda-powertools package must be on it, or which layer fits is unclear. */
export function installedPowertoolsVersion(root: string = REPO_ROOT): string {
  const versionOf = (pkg: string) => (JSON.parse(readFileSync(resolve(root, 'node_modules', '@aws-lambda-powertools', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const versions = new Map(['commons', 'logger', 'metrics', 'tracer'].map((pkg) => [pkg, versionOf(pkg)]));
  const distinct = [...new Set(versions.values())];
  if (distinct.length !== 1) throw new Error(`The @aws-lambda-powertools packages differ (${[...versions].map(([p, v]) => `${p} ${v}`).join(', ')}): one layer cannot serve them`);
  return distinct[0] as string;
}

/** AWS publishes each Powertools version's layer ARN, per region, as this public SSM parameter (resolved at deploy). */
export function powertoolsLayerParameter(version: string): string {
  return `/aws/service/powertools/typescript/generic/all/${version}`;
}

/** What the runtime provides: the benchmark's comparison bundle leaves these out. */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*', '@smithy/*'];


/** esbuild's syntax target: the Lambda runtime's Node version. */
export const BUNDLE_TARGET = 'node24';
const TARGET = BUNDLE_TARGET;

/** The bundling every function gets, in CDK's terms. */
export function bundlingOptions(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    mainFields: ['module', 'main'],
    banner: ESM_REQUIRE_BANNER,
    minify: true,
    sourceMap: true,
    sourceMapMode: SourceMapMode.DEFAULT,
    // Maps carry file names and positions, not our sources: a smaller asset, same stack traces.
    sourcesContent: false,
    target: TARGET,
    bundleAwsSDK: true,
    externalModules: [...LAZY_RUNTIME_MODULES, ...POWERTOOLS_LAYER_MODULES],
  };
}

/**
 * The same bundle as plain esbuild options, so a benchmark (or a size check) can build exactly
 * what `cdk synth` builds without CDK: `await esbuild.build(esbuildOptions(entry, outfile))`.
 */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [resolve(REPO_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: TARGET,
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external: [...LAZY_RUNTIME_MODULES, ...POWERTOOLS_LAYER_MODULES],
    logLevel: 'warning',
  };
}

/** What a function's links point at, in AWS. */
export interface LinkResources {
  table: ITableV2;
  queue(id: QueueId): IQueue;
  /** A step queue's DLQ; required by any function with a `step-queues` link. */
  deadLetterQueue?(id: QueueId): IQueue;
  /** The SES identity (domain or address) the stage sends as. */
  sesIdentityArn: string;
  /** The stage's Cognito user pool, whose logins the identity step disables. */
  userPoolArn: string;
  /** The deletion-receipt KMS key (ECC_NIST_P256, SIGN_VERIFY); required by any function with a `receipt-key` link. */
  receiptKeyArn?: string;
}

/** What each use of the receipt key may do with it: nothing else, ever (no Decrypt, no key management). */
export const RECEIPT_KEY_ACTIONS = { sign: 'kms:Sign', publish: 'kms:GetPublicKey' } as const;

/**
 * What the operator's queue functions may do (a `step-queues` link): read depths; a redrive also starts and lists
 * move tasks on the DLQs, which need ReceiveMessage and DeleteMessage on the DLQ (the move's source) and SendMessage
 * on the step queue (its destination, named explicitly, so no other queue).
 */
const STEP_QUEUES_ACTIONS = {
  inspect: { queues: ['sqs:GetQueueAttributes'], dlqs: ['sqs:GetQueueAttributes'] },
  redrive: {
    queues: ['sqs:GetQueueAttributes', 'sqs:SendMessage'],
    dlqs: ['sqs:GetQueueAttributes', 'sqs:StartMessageMoveTask', 'sqs:ListMessageMoveTasks', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'],
  },
} as const;

/** What the identity step does at the provider: end a login's sessions, disable it, and (for a restore) enable it again. */
export const IDENTITY_PROVIDER_ACTIONS = ['cognito-idp:AdminUserGlobalSignOut', 'cognito-idp:AdminDisableUser', 'cognito-idp:AdminEnableUser'] as const;

/**
 * The IAM statements a function's declaration gives it, one per link: a table link's exact
 * actions on items whose partition key starts with its prefixes (`dynamodb:LeadingKeys`), plus
 * Query on the indexes it names; a queue link's SendMessage; the mail link's SendEmail as the
 * stage's identity; the identity-provider link's three admin actions on the stage's user pool; the
 * receipt-key link's one action (Sign or GetPublicKey) on the receipt key. Nothing else: no wildcard action or resource.
 */
export function linkStatements(spec: Pick<FunctionSpec, 'links'>, resources: LinkResources): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  for (const link of tableLinksOf(spec)) {
    statements.push(
      new PolicyStatement({
        actions: link.actions.map((action) => `dynamodb:${action}`),
        resources: [resources.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': link.keyPrefixes.map((prefix) => `${prefix}*`) } },
      }),
    );
    const indexes = link.indexes ?? [];
    if (indexes.length > 0) {
      // Index partition keys are not the table's leading keys: the index grant is read-only and names each index.
      statements.push(new PolicyStatement({ actions: ['dynamodb:Query'], resources: indexes.map((index) => `${resources.table.tableArn}/index/${index}`) }));
    }
  }
  for (const link of spec.links) {
    if (link.to === 'queue') statements.push(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [resources.queue(link.queue).queueArn] }));
    if (link.to === 'mail') statements.push(new PolicyStatement({ actions: ['ses:SendEmail'], resources: [resources.sesIdentityArn] }));
    if (link.to === 'identity-provider') statements.push(new PolicyStatement({ actions: [...IDENTITY_PROVIDER_ACTIONS], resources: [resources.userPoolArn] }));
    if (link.to === 'step-queues') {
      const dlq = resources.deadLetterQueue;
      if (dlq === undefined) throw new Error('a step-queues link needs the DLQs (LinkResources.deadLetterQueue)');
      const actions = STEP_QUEUES_ACTIONS[link.use];
      statements.push(new PolicyStatement({ actions: [...actions.queues], resources: queueIds.map((id) => resources.queue(id).queueArn) }));
      statements.push(new PolicyStatement({ actions: [...actions.dlqs], resources: queueIds.map((id) => dlq(id).queueArn) }));
    }
    if (link.to === 'receipt-key') {
      if (resources.receiptKeyArn === undefined) throw new Error('a receipt-key link needs the receipt key (LinkResources.receiptKeyArn)');
      statements.push(new PolicyStatement({ actions: [RECEIPT_KEY_ACTIONS[link.use]], resources: [resources.receiptKeyArn] }));
    }
  }
  return statements;
}

/** What no function may do to an audit record: audit records are append-only (SPEC "Audit trail"). */
export const AUDIT_DENIED_ACTIONS = ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'] as const;

/**
 * The explicit Deny every function's role carries: no UpdateItem or DeleteItem on an item whose
 * partition key is an audit key, whatever any Allow says (an explicit Deny wins in IAM). With
 * `ForAnyValue`, a request that touches any audit key is denied (`ForAllValues` would also match a
 * request with no leading key at all). Writes of audit records are PutItems carrying
 * `attribute_not_exists(pk)`, so a record cannot be overwritten either.
 */
export function auditAppendOnlyStatement(tableArn: string): PolicyStatement {
  return new PolicyStatement({
    effect: Effect.DENY,
    actions: [...AUDIT_DENIED_ACTIONS],
    resources: [tableArn],
    conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] } },
  });
}

/** The Powertools layer of the installed version, in the stack's region (one SSM parameter per stack). */
function powertoolsLayer(scope: Construct): ILayerVersion {
  const arn = StringParameter.valueForStringParameter(scope, powertoolsLayerParameter(installedPowertoolsVersion()));
  return LayerVersion.fromLayerVersionArn(scope, 'PowertoolsLayer', arn);
}

export interface NodeFunctionProps {
  spec: FunctionSpec;
  /** The platform's values; the function gets exactly the variables its declaration's links name. */
  environment: EnvironmentValues;
  resources: LinkResources;
  logRetention: RetentionDays;
  /** What happens to the function's log group when the stack is deleted. */
  logRemovalPolicy: RemovalPolicy;
}

/**
 * One catalog function as a Lambda: the only place the runtime, architecture, bundling, logging
 * and permissions are decided. The role is our own (no AWS managed policy): it may write to this
 * function's log group and do what its declaration's links say (`linkStatements`); event sources
 * add the read permissions of the queue or stream that invokes it.
 */
export class NodeFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  readonly spec: FunctionSpec;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${spec.name} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      description: `${spec.name} (${spec.entry})`,
      entry: resolve(REPO_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: resolve(REPO_ROOT, 'package-lock.json'),
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      // X-Ray active tracing: Lambda samples invocations and records their segments; the handler and its SDK
      // calls are subsegments through Powertools Tracer (shared/observability/tracer.ts).
      tracing: Tracing.ACTIVE,
      environment: {
        ...environmentFor(spec, props.environment),
        // Not an application variable: makes Node use the bundle's source maps in stack traces.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: bundlingOptions(),
      layers: [powertoolsLayer(this)],
    });

    for (const statement of linkStatements(spec, props.resources)) this.role.addToPrincipalPolicy(statement);
    this.role.addToPrincipalPolicy(auditAppendOnlyStatement(props.resources.table.tableArn));

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (X-Ray documents "*" as their only resource).',
    });
  }
}
