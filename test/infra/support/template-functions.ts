import { resolve } from 'node:path';
import type { FunctionSpec } from '../../../infra/catalog';
import { resourcesOfType, type SynthesizedService } from './service-app';

/** The repository root: catalog entries are relative to it. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export interface PolicyStatementJson {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Condition?: { 'ForAllValues:StringLike'?: { 'dynamodb:LeadingKeys'?: string | string[] } };
}

/** One Lambda function of a synthesized service, with what its template gives it. */
export interface TemplateFunction {
  stack: 'api' | 'workers';
  logicalId: string;
  /** The catalog name and entry, read from the function's Description `"<name> (<entry>)"`. */
  name: string;
  entry: string;
  /** The template's Environment.Variables, CloudFormation intrinsics and all. */
  variables: Record<string, unknown>;
  /** Every statement of the inline policies attached to its role. */
  statements: PolicyStatementJson[];
}

interface LambdaProperties {
  Description: string;
  Role: { 'Fn::GetAtt': [string, string] };
  Environment?: { Variables?: Record<string, unknown> };
}

/** Every Lambda function of the api and workers stacks (the stacks that hold functions). */
export function templateFunctions(service: SynthesizedService): TemplateFunction[] {
  return (['api', 'workers'] as const).flatMap((stack) => {
    const template = service.templates[stack];
    const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')) as unknown as {
      Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: PolicyStatementJson[] } };
    }[];
    return Object.entries(resourcesOfType(template, 'AWS::Lambda::Function')).map(([logicalId, resource]): TemplateFunction => {
      const p = resource.Properties as unknown as LambdaProperties;
      const described = /^(\S+) \((.+)\)$/.exec(p.Description);
      if (!described) throw new Error(`${logicalId}: description "${p.Description}" does not name its catalog entry`);
      const roleId = p.Role['Fn::GetAtt'][0];
      return {
        stack,
        logicalId,
        name: described[1] as string,
        entry: described[2] as string,
        variables: p.Environment?.Variables ?? {},
        statements: policies.filter((policy) => policy.Properties.Roles.some((r) => r.Ref === roleId)).flatMap((policy) => policy.Properties.PolicyDocument.Statement),
      };
    });
  });
}

/** The catalog spec a template function was made from (by name and entry: both must match). */
export function specOf(fn: TemplateFunction, catalog: readonly FunctionSpec[]): FunctionSpec {
  const spec = catalog.find((candidate) => candidate.name === fn.name && candidate.entry === fn.entry);
  if (!spec) throw new Error(`${fn.logicalId}: no catalog function ${fn.name} (${fn.entry})`);
  return spec;
}

/** The logical id a cross-stack import refers to: `…:ExportsOutputRef<LogicalId><hash>` or `…FnGetAtt<LogicalId>Arn<hash>`. */
export function importedLogicalId(value: unknown): string | undefined {
  const name = (value as { 'Fn::ImportValue'?: unknown } | undefined)?.['Fn::ImportValue'];
  if (typeof name !== 'string') return undefined;
  return /ExportsOutputRef(\w+)[0-9A-F]{8}$/.exec(name)?.[1] ?? /ExportsOutputFnGetAtt(\w+?)(?:Arn|StreamArn)[0-9A-F]{8}$/.exec(name)?.[1];
}

export const PLACEHOLDER_REGION = 'eu-west-1';
export const PLACEHOLDER_ACCOUNT = '000000000000';

/** A fake queue URL that still names the queue (its logical id), so a SendMessage can be traced back to its grant. */
export function placeholderQueueUrl(logicalId: string): string {
  return `https://sqs.${PLACEHOLDER_REGION}.amazonaws.com/${PLACEHOLDER_ACCOUNT}/${logicalId}`;
}

/**
 * The environment a function would get in AWS, with every CDK token (an import, a Ref) replaced
 * by a plausible value of the same kind: a table name, a queue URL. Literal values stay as they are.
 */
export function placeholderEnvironment(variables: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]): [string, string] => {
      if (typeof value === 'string') return [name, value];
      const logicalId = importedLogicalId(value) ?? 'Unresolved';
      if (name === 'TABLE_NAME') return [name, `customer-deletion-dev-data-${logicalId}-PLACEHOLDER`];
      if (name.endsWith('_QUEUE_URL') || name.endsWith('_DLQ_URL')) return [name, placeholderQueueUrl(logicalId)];
      // `kms:` and the receipt key's ARN, imported from the keys stack.
      if (name === 'RECEIPT_KEY') return [name, `kms:arn:aws:kms:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:key/00000000-0000-0000-0000-000000000000`];
      return [name, `placeholder-${name.toLowerCase()}`];
    }),
  );
}

/** What lets the SDK clients be constructed and sign requests: a region and fake credentials, nothing of the app's
 * (and no warning that the test's Node is older than the Lambda runtime's). */
export const SDK_ENVIRONMENT = {
  AWS_REGION: PLACEHOLDER_REGION,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
} as const;

/**
 * The third-party packages the handler modules import (every bare specifier under functions/ and
 * shared/ but `aws-lambda`, which is types only, and `node:*`). Each cold start re-evaluates the
 * repository's own modules, which is what reads `process.env`; evaluating these packages afresh
 * too (some 500 files of the SDK clients, zod, Powertools) was most of a cold start's time, ~240
 * times per test file. They are loaded once, with `SDK_ENVIRONMENT` only, and every isolated
 * registry is handed those same module objects. None of them reads an application variable at
 * import: the SDK clients and Powertools' Logger, Metrics and Tracer read `process.env` when the
 * repository's code constructs them, which happens inside the isolated registry, under its `env`.
 * A package missing from this list is only evaluated afresh in each registry, as before: slower, not wrong.
 */
const SHARED_PACKAGES = [
  '@aws-sdk/client-cognito-identity-provider',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-kms',
  '@aws-sdk/client-sesv2',
  '@aws-sdk/client-sqs',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/util-dynamodb',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/logger/middleware',
  '@aws-lambda-powertools/metrics',
  '@aws-lambda-powertools/metrics/middleware',
  '@aws-lambda-powertools/tracer',
  '@aws-lambda-powertools/tracer/middleware',
  '@middy/core',
  'jose',
  // The three share zod's core: all or none, so no schema meets a second copy of it.
  'zod',
  'zod/mini',
  'zod/locales',
] as const;

let sharedPackages: Map<string, object> | undefined;

function loadSharedPackages(): Map<string, object> {
  if (sharedPackages) return sharedPackages;
  const saved = process.env;
  // What a package writes to process.env at import (Powertools' user agent, X-Ray's context-missing
  // strategy) goes to this throwaway copy, as it went to each cold start's own before.
  process.env = { ...SDK_ENVIRONMENT };
  try {
    sharedPackages = new Map(SHARED_PACKAGES.map((name) => [name, jest.requireActual<object>(name)]));
  } finally {
    process.env = saved;
  }
  return sharedPackages;
}

/**
 * Runs `body` with `process.env` set to exactly `env` (nothing else of the test process's), in a
 * fresh module registry, so a handler module's cold start sees only what its template gives it
 * (the repository's modules are all evaluated afresh; the third-party packages are shared: see
 * SHARED_PACKAGES). `process.env` is restored afterwards.
 */
export async function withIsolatedEnvironment<T>(env: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const shared = loadSharedPackages();
  const saved = process.env;
  process.env = { ...env };
  try {
    let result: T | undefined;
    await jest.isolateModulesAsync(async () => {
      // A doMock outlives the registry it was made in: undone below.
      for (const [name, module] of shared) jest.doMock(name, () => module);
      result = await body();
    });
    return result as T;
  } finally {
    for (const name of shared.keys()) jest.dontMock(name);
    process.env = saved;
  }
}

/** Converts `dynamodb:LeadingKeys` StringLike patterns (`CUSTOMER#*`) to a test on a key. */
export function matchesStringLike(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(value);
}

export function actionsOf(statement: PolicyStatementJson): string[] {
  return [statement.Action].flat();
}
