import { resolve } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { table as tableSpec, type EnvName, type FunctionSpec } from '../catalog';
import { environmentFor } from '../config/lambda-environment';

/** The repository root: catalog entries are relative to it. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;
export const LAMBDA_ARCHITECTURE = Architecture.ARM_64;

/** ESM output still meets CommonJS dependencies that call `require`: give them one. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * The AWS SDK v3 IS bundled (tree-shaken, minified, pinned by our lock file), for the cold start:
 * importing one file is several times faster than resolving the SDK's hundreds of modules from
 * node_modules. What is left out is only what the SDK loads lazily, with a dynamic `import()`, for
 * credential sources other than the environment: SSO, ini profiles, credential processes, web
 * identity, container/instance metadata, and the STS/SSO clients behind them. In Lambda the
 * credentials are in the environment, so these never load; if they ever did, the nodejs22.x
 * runtime provides them. Measured with esbuild 0.28 (client-dynamodb 3.1162): delete-customer is
 * 273 KB this way, against 402 KB with the whole default credential chain and 67 KB with no SDK.
 */
export const BUNDLE_AWS_SDK = true;

/** Loaded only by dynamic import, for non-environment credentials; provided by the runtime. */
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
];

/** What the runtime provides and the bundle would leave out if the SDK were not bundled. */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*', '@smithy/*'];

const EXTERNAL_MODULES = BUNDLE_AWS_SDK ? LAZY_RUNTIME_MODULES : RUNTIME_PROVIDED_MODULES;

const TARGET = 'node22';

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
    bundleAwsSDK: BUNDLE_AWS_SDK,
    externalModules: EXTERNAL_MODULES,
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
    external: EXTERNAL_MODULES,
    logLevel: 'warning',
  };
}

/** The table actions each access level allows: only what the handlers call (GetItem, Query on
 * the table and its index, TransactWriteItems = Put/Update/Delete/ConditionCheck per item). No
 * Scan, no stream reads, no table management. */
export const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  readWrite: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
} as const satisfies Record<FunctionSpec['tableAccess'], readonly string[]>;

export interface NodeFunctionProps {
  spec: FunctionSpec;
  /** Every variable's value; the function gets exactly the ones its catalog entry lists. */
  environment: Record<EnvName, string>;
  table: ITableV2;
  logRetention: RetentionDays;
  /** What happens to the function's log group when the stack is deleted. */
  logRemovalPolicy: RemovalPolicy;
}

/**
 * One catalog function as a Lambda: the only place the runtime, architecture, bundling, logging
 * and base permissions are decided. The role is our own (no AWS managed policy): it may write to
 * this function's log group and use the table as the catalog's `tableAccess` says; stacks add the
 * queue and SES permissions the function's kind needs.
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
      environment: {
        ...environmentFor(spec, props.environment),
        // Not an application variable: makes Node use the bundle's source maps in stack traces.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: bundlingOptions(),
    });

    // The table and its named indexes, not `index/*`: no wildcard resource in any policy.
    Grant.addToPrincipal({
      grantee: this.role,
      actions: [...TABLE_ACTIONS[spec.tableAccess]],
      resourceArns: [props.table.tableArn, ...tableSpec.globalSecondaryIndexes.map((gsi) => `${props.table.tableArn}/index/${gsi.indexName}`)],
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The service targets the nodejs22.x Lambda runtime on purpose (the version the code and its tests run on); moving to a newer runtime is a deliberate upgrade.',
    });
  }
}
