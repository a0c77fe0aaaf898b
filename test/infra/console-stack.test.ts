import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { stageConfig, validateStageConfig, type StageConfig } from '../../infra/config/stages';
import { CONSOLE_CSP, writeConsoleDist } from '../../infra/local/console-build';
import { OPERATOR_SCOPES } from '../../shared/domain/operator-scopes';
import { ConsoleStack, consoleSignIn } from '../../infra/stacks/console-stack';
import { configuredProductionStage } from './support/production-config';
import { assertResource, assertResourceCount, assertResourceProperties, resourcesOfType, synthesizeService, type SynthesizedService } from './support/service-app';

/** The dev stage with the console's origin and OIDC client set, as a deployer sets them after the first deploy. */
const ORIGIN = 'https://d111111abcdef8.cloudfront.net';
const SIGN_IN = { clientId: 'operator-console', authorizationEndpoint: 'https://login.dev.example.com/authorize', tokenEndpoint: 'https://login.dev.example.com/oauth/token' };
const config: StageConfig = { ...stageConfig('dev'), console: { origin: ORIGIN, ...SIGN_IN } };
let service: SynthesizedService;
let consoleTemplate: Template;

beforeAll(() => {
  service = synthesizeService(config);
  consoleTemplate = service.templates.console;
}, 120_000);

afterAll(() => service?.cleanup());

/** A CloudFormation string as text: Fn::Join flattened, an import shown as `{import:NAME}`. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (v['Fn::Join']) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(text).join(separator);
  }
  if (v['Fn::ImportValue']) return `{import:${String(v['Fn::ImportValue'])}}`;
  return JSON.stringify(value);
}

/** The API stack's export of its endpoint (`https://<id>.execute-api…`), as the console stack imports it. */
function apiEndpointImport(): string {
  const outputs = service.templates.api.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>;
  const [httpApi] = Object.keys(resourcesOfType(service.templates.api, 'AWS::ApiGatewayV2::Api'));
  const exported = Object.values(outputs).filter((o) => o.Export && JSON.stringify(o.Value) === JSON.stringify({ 'Fn::GetAtt': [httpApi, 'ApiEndpoint'] }));
  expect(exported).toHaveLength(1);
  return `{import:${exported[0]?.Export?.Name}}`;
}

describe('console bucket', () => {
  it('is private, encrypted with S3-managed keys, and refuses plain HTTP', () => {
    assertResourceProperties(consoleTemplate, 'AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    assertResourceProperties(consoleTemplate, 'AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('lets CloudFront read it through origin access control only: no public principal is allowed anything', () => {
    assertResourceProperties(consoleTemplate, 'AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    const policies = Object.values(resourcesOfType(consoleTemplate, 'AWS::S3::BucketPolicy'));
    const statements = policies.flatMap((p) => (p.Properties?.PolicyDocument as { Statement: { Effect: string; Principal: unknown }[] }).Statement);
    expect(statements.filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('"*"'))).toEqual([]);
  });

  it('goes with a development stage (emptied first) and stays with production', () => {
    assertResource(consoleTemplate, 'AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    assertResourceCount(consoleTemplate, 'Custom::S3AutoDeleteObjects', 1);

    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
    const prod = Template.fromStack(new ConsoleStack(app, 'prod-console', { config: configuredProductionStage(), apiEndpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com' }));
    assertResource(prod, 'AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    assertResourceCount(prod, 'Custom::S3AutoDeleteObjects', 0);
  });
});

describe('console distribution', () => {
  it('serves the bucket through an origin access control, HTTPS only, index.html at the root', () => {
    assertResourceProperties(consoleTemplate, 'AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    assertResourceProperties(consoleTemplate, 'AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'https-only', AllowedMethods: ['GET', 'HEAD'], ResponseHeadersPolicyId: Match.anyValue() }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: { OriginAccessIdentity: '' } })],
      }),
    });
  });

  it('sends the local stack\'s CSP with the API\'s origin and the token endpoint\'s added to connect-src, and the security headers', () => {
    const [policy] = Object.values(resourcesOfType(consoleTemplate, 'AWS::CloudFront::ResponseHeadersPolicy'));
    const headers = (policy?.Properties?.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> }).SecurityHeadersConfig;

    const csp = text(headers.ContentSecurityPolicy?.ContentSecurityPolicy);
    // Written out, not rebuilt with consoleCsp: a directive dropped or loosened there fails here.
    expect(csp).toBe(
      `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${apiEndpointImport()} https://login.dev.example.com; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
    );
    // Everything but connect-src is the local stack's policy, word for word.
    const withoutConnect = (policyText: string) => policyText.split('; ').filter((d) => !d.startsWith('connect-src'));
    expect(withoutConnect(csp)).toEqual(withoutConnect(CONSOLE_CSP));
    expect(headers).toEqual({
      ContentSecurityPolicy: { ContentSecurityPolicy: expect.anything(), Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
  });
});

describe('console deployment', () => {
  it('copies the built files and config.json into the bucket, then invalidates the distribution', () => {
    assertResourceProperties(consoleTemplate, 'Custom::CDKBucketDeployment', {
      SourceObjectKeys: [Match.stringLikeRegexp('\\.zip$'), Match.stringLikeRegexp('\\.zip$')],
      DestinationBucketName: { Ref: Match.stringLikeRegexp('^Assets') },
      DistributionId: { Ref: Match.stringLikeRegexp('^Distribution') },
      DistributionPaths: ['/*'],
      Prune: true,
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
  });

  it('writes config.json at deploy time: the API\'s URL from the API stack, and the sign-in with the stage\'s issuer', () => {
    const [deployment] = Object.values(resourcesOfType(consoleTemplate, 'Custom::CDKBucketDeployment'));
    const props = deployment?.Properties as { SourceObjectKeys: string[]; SourceMarkers: Record<string, unknown>[] };
    const dataKey = props.SourceObjectKeys[1] as string;
    const file = join(service.assembly.directory, `asset.${dataKey.replace(/\.zip$/, '')}`, 'config.json');
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const markers = props.SourceMarkers[1] as Record<string, unknown>;

    expect(Object.keys(markers)).toHaveLength(1);
    const [marker, value] = Object.entries(markers)[0] as [string, unknown];
    expect(written).toEqual({
      apiUrl: marker,
      signIn: {
        ...SIGN_IN,
        scope: 'openid customers:delete customers:purge users:delete customers:restore customers:hold customers:read audit:read ops:redrive',
        audience: 'customer-deletion-api',
        provider: 'auth.dev.example.com',
      },
    });
    // The marker becomes the API stack's endpoint, imported: the console stack depends on the API stack, not the reverse.
    expect(text(value)).toBe(apiEndpointImport());
    expect(service.stacks.console.dependencies).toContain(service.stacks.api);
    expect(service.stacks.api.dependencies).not.toContain(service.stacks.console);
  });

  it('builds the console with npm run console:build\'s build when the stack is bundled', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'console-asset-'));
    try {
      // Schema validation is test/infra/service-stacks.test.ts's (every stack, this one included).
      const app = new App({ outdir, builtinCloudFormationValidation: false });
      new ConsoleStack(app, 'bundled-console', { config, apiEndpoint: 'https://abc123.execute-api.us-east-1.amazonaws.com' });
      const assembly = app.synth();
      const assetDirs = readdirSync(assembly.directory).filter((d) => d.startsWith('asset.'));
      const built = assetDirs.find((d) => existsSync(join(assembly.directory, d, 'app.js')));

      expect(built).toBeDefined();
      expect(readdirSync(join(assembly.directory, built as string)).sort()).toEqual(['app.css', 'app.js', 'index.html']);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('writeConsoleDist (npm run console:build)', () => {
  it('writes index.html, app.css and the bundle, and removes what an earlier build left', () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
    try {
      writeFileSync(join(dir, 'stale.js'), 'old');

      expect(writeConsoleDist(dir)).toEqual(['app.css', 'app.js', 'index.html']);
      expect(readFileSync(join(dir, 'app.js'), 'utf8').length).toBeGreaterThan(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('API CORS for the console', () => {
  it('allows exactly the stage\'s console origin, the console\'s methods and headers, no credentials', () => {
    assertResourceProperties(service.templates.api, 'AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: [ORIGIN],
        AllowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
        AllowHeaders: ['authorization', 'content-type'],
        AllowCredentials: false,
        MaxAge: 3600,
      },
    });
  });

  it('allows no origin, and says so at synth, while the stage sets none', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
    const stack = new ConsoleStack(app, 'unset-console', { config: stageConfig('dev'), apiEndpoint: 'https://abc123.execute-api.us-east-1.amazonaws.com' });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('sets no console.origin'));

    const plain = synthesizeService(stageConfig('dev'));
    try {
      assertResourceProperties(plain.templates.api, 'AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    } finally {
      plain.cleanup();
    }
  }, 120_000);

  it('asks a Cognito pool for its resource server\'s scopes, with no audience', () => {
    const cognito: StageConfig = {
      ...config,
      auth: { kind: 'cognito', userPoolId: 'eu-west-1_AbCdEf123', region: 'eu-west-1', clientIds: ['1example23456789abcdefghij'], resourceServer: 'customer-deletion', maxTokenAgeSeconds: 3600, preTokenGenerationTrigger: true },
      console: { ...config.console, clientId: '1example23456789abcdefghij', logoutEndpoint: 'https://login.dev.example.com/logout' },
    };
    const signIn = consoleSignIn(cognito);

    expect(signIn?.scope.split(' ')).toEqual(['openid', ...OPERATOR_SCOPES.map((s) => `customer-deletion/${s}`)]);
    expect(signIn?.audience).toBeUndefined();
    expect(signIn?.provider).toBe('the dev Cognito user pool');
    expect(signIn?.logout).toEqual({ endpoint: 'https://login.dev.example.com/logout', returnParameter: 'logout_uri' });
    expect(() => validateStageConfig(cognito)).not.toThrow();
    // An app client the API does not accept would sign operators in to nothing but 401s.
    expect(() => validateStageConfig({ ...cognito, console: { ...cognito.console, clientId: 'another-client' } })).toThrow(/console\.clientId another-client must be one of auth\.clientIds/);
  });

  it('says at synth that the console cannot sign in while the stage sets no client, and refuses half a setting', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
    const stack = new ConsoleStack(app, 'no-sign-in', { config: { ...stageConfig('dev'), console: { origin: ORIGIN } }, apiEndpoint: 'https://abc123.execute-api.us-east-1.amazonaws.com' });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('cannot sign anyone in'));

    expect(() => validateStageConfig({ ...stageConfig('dev'), console: { clientId: 'operator-console' } })).toThrow(/go together/);
    expect(() => validateStageConfig({ ...stageConfig('dev'), console: { ...SIGN_IN, tokenEndpoint: 'http://login.dev.example.com/oauth/token' } })).toThrow(/console\.tokenEndpoint must be an https URL/);
    expect(() => validateStageConfig({ ...stageConfig('dev'), console: { ...SIGN_IN, authorizationEndpoint: 'https://login.dev.example.com/authorize#x' } })).toThrow(/console\.authorizationEndpoint must be an https URL without a fragment/);
    expect(() => validateStageConfig({ ...stageConfig('dev'), console: { logoutEndpoint: 'https://login.dev.example.com/logout' } })).toThrow(/console\.logoutEndpoint needs the console's sign-in/);
    expect(() => validateStageConfig({ ...stageConfig('dev'), console: SIGN_IN })).not.toThrow();
  });

  it('refuses an origin a browser never sends: a path, a trailing slash, plain http, upper case', () => {
    for (const origin of ['https://console.example.org/', 'https://console.example.org/app', 'http://console.example.org', 'https://Console.example.org']) {
      expect(() => validateStageConfig({ ...stageConfig('dev'), console: { origin } })).toThrow(/console\.origin must be an https origin/);
    }
    expect(() => validateStageConfig({ ...stageConfig('dev'), console: { origin: 'https://console.example.org:8443' } })).not.toThrow();
  });
});
