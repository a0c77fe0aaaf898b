import { apiFunctions, COMMON_VARIABLES, preTokenGenerationTrigger } from '../../infra/catalog';
import { authConfigProblems, tokenVerifierVariables, type CognitoAuthConfig } from '../../infra/config/auth';
import { stages, validateStageConfig, type StageConfig } from '../../infra/config/stages';
import { tokenVerifierConfigFromEnv } from '../../shared/auth/config';
import { createTokenVerifier } from '../../shared/auth/token-verifier';
import { assertResourceCount, resourcesOfType, synthesizeService, type SynthesizedService } from './support/service-app';

/** A stage whose issuer is a Cognito user pool (SPEC "Cognito as the issuer"); fake ids. */
const cognitoAuth: CognitoAuthConfig = {
  kind: 'cognito',
  userPoolId: 'eu-west-1_TeStPoOl1',
  region: 'eu-west-1',
  clientIds: ['1example23456789abcdefghij', '7other8client9idklmnopqrst'],
  resourceServer: 'customer-deletion',
  maxTokenAgeSeconds: 900,
  preTokenGenerationTrigger: true,
};
const cognitoStage: StageConfig = { ...stages.dev, auth: cognitoAuth };

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TeStPoOl1';
/** The token-verifier link's variables, whatever the issuer kind (the same literal as service-stacks.test.ts's). */
const TOKEN_VERIFIER = ['JWKS_URL', 'JWT_AUDIENCE', 'JWT_CLIENT_IDS', 'JWT_ISSUER', 'JWT_ISSUER_KIND', 'JWT_MAX_TOKEN_AGE_SECONDS', 'JWT_SCOPE_PREFIX'];

interface LambdaProperties {
  Description: string;
  Timeout: number;
  Role: { 'Fn::GetAtt': [string, string] };
  Environment: { Variables: Record<string, unknown> };
}

describe('a Cognito issuer in the stage configuration', () => {
  it('is valid, and derives the issuer and JWKS URL from the pool', () => {
    expect(() => validateStageConfig(cognitoStage)).not.toThrow();
    expect(tokenVerifierVariables(cognitoAuth)).toEqual({
      JWT_ISSUER_KIND: 'cognito',
      JWKS_URL: `${ISSUER}/.well-known/jwks.json`,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: '-',
      JWT_CLIENT_IDS: '1example23456789abcdefghij,7other8client9idklmnopqrst',
      JWT_SCOPE_PREFIX: 'customer-deletion/',
      JWT_MAX_TOKEN_AGE_SECONDS: '900',
    });
  });

  it('gives an OIDC issuer the same variables, the Cognito-only ones "-"', () => {
    expect(Object.keys(tokenVerifierVariables(stages.dev.auth)).sort()).toEqual(TOKEN_VERIFIER);
    expect(tokenVerifierVariables(stages.dev.auth)).toEqual(expect.objectContaining({ JWT_ISSUER_KIND: 'oidc', JWT_CLIENT_IDS: '-', JWT_SCOPE_PREFIX: '-' }));
  });

  it.each<[string, Partial<CognitoAuthConfig>, string]>([
    ['a pool of another region', { userPoolId: 'us-east-1_TeStPoOl1' }, 'auth.userPoolId must be a user pool id of auth.region'],
    ['a pool ARN instead of its id', { userPoolId: 'arn:aws:cognito-idp:eu-west-1:000000000000:userpool/eu-west-1_TeStPoOl1' }, 'auth.userPoolId must be a user pool id'],
    ['a region name that is not one', { region: 'Ireland', userPoolId: 'Ireland_TeStPoOl1' }, 'auth.region must be an AWS region name'],
    ['no app client', { clientIds: [] }, 'auth.clientIds must list at least one app client id'],
    ['a list of clients in one string', { clientIds: ['one,two'] }, 'auth.clientIds must list at least one app client id'],
    ['a resource server with a space', { resourceServer: 'customer deletion' }, 'auth.resourceServer must be a resource server identifier'],
    ['a zero token age', { maxTokenAgeSeconds: 0 }, 'auth.maxTokenAgeSeconds must be a positive integer'],
  ])('is refused with %s', (_case, overrides, problem) => {
    expect(authConfigProblems({ ...cognitoAuth, ...overrides })).toEqual([expect.stringContaining(problem)]);
    expect(() => validateStageConfig({ ...cognitoStage, auth: { ...cognitoAuth, ...overrides } })).toThrow(problem);
  });
});

describe('a stage whose issuer is a Cognito user pool, synthesized with cdk-nag', () => {
  let service: SynthesizedService;

  beforeAll(() => {
    service = synthesizeService(cognitoStage, { nag: true });
  }, 120_000);

  afterAll(() => service?.cleanup());

  const lambdas = () => Object.entries(resourcesOfType(service.templates.api, 'AWS::Lambda::Function')) as unknown as [string, { Properties: LambdaProperties }][];
  const lambdaNamed = (name: string) => {
    const matches = lambdas().filter(([, r]) => r.Properties.Description.startsWith(`${name} (`));
    expect(matches).toHaveLength(1);
    return matches[0] as [string, { Properties: LambdaProperties }];
  };

  it.each(apiFunctions.filter((f) => f.links.some((link) => link.to === 'token-verifier')).map((f) => [f.name]))('%s: gets the Cognito issuer’s token-verifier variables, the same names as for OIDC', (name) => {
    // Act
    const variables = lambdaNamed(name)[1].Properties.Environment.Variables;

    // Assess
    expect(Object.keys(variables).filter((v) => v.startsWith('JWT') || v === 'JWKS_URL').sort()).toEqual(TOKEN_VERIFIER);
    expect(variables).toEqual(expect.objectContaining(tokenVerifierVariables(cognitoAuth)));
    // What the handler reads at cold start builds a Cognito verifier.
    const config = tokenVerifierConfigFromEnv(variables as Record<string, string>);
    expect(config).toEqual(expect.objectContaining({ kind: 'cognito', issuer: ISSUER, scopePrefix: 'customer-deletion/', clientIds: cognitoAuth.clientIds }));
    expect(() => createTokenVerifier(config)).not.toThrow();
  });

  it('deploys the pre-token-generation trigger: its entry, the common variables only, a short timeout', () => {
    // Act
    const [, trigger] = lambdaNamed(preTokenGenerationTrigger.name);

    // Assess
    expect(trigger.Properties.Description).toBe('pre-token-generation (functions/auth/pre-token-generation.ts)');
    const { NODE_OPTIONS: _nodeOptions, ...application } = trigger.Properties.Environment.Variables;
    expect(Object.keys(application).sort()).toEqual([...COMMON_VARIABLES].sort());
    expect(trigger.Properties.Timeout).toBe(5);
  });

  it('lets Cognito invoke the trigger for the stage’s pool only', () => {
    // Prepare
    const [triggerId] = lambdaNamed(preTokenGenerationTrigger.name);

    // Act
    const permissions = Object.values(resourcesOfType(service.templates.api, 'AWS::Lambda::Permission')).filter((p) => JSON.stringify(p.Properties?.FunctionName).includes(triggerId));

    // Assess
    expect(permissions).toHaveLength(1);
    const properties = permissions[0]?.Properties ?? {};
    expect(properties.Action).toBe('lambda:InvokeFunction');
    expect(properties.Principal).toBe('cognito-idp.amazonaws.com');
    const sourceArn = JSON.stringify(properties.SourceArn);
    expect(sourceArn).toContain(':cognito-idp:eu-west-1:');
    expect(sourceArn).toContain(':userpool/eu-west-1_TeStPoOl1');
    expect(properties.SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('gives the trigger’s role nothing beyond its own logs', () => {
    // Prepare
    const roleId = lambdaNamed(preTokenGenerationTrigger.name)[1].Properties.Role['Fn::GetAtt'][0];

    // Act
    const statements = Object.values(resourcesOfType(service.templates.api, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties?.Roles).includes(roleId))
      .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: { Action: string | string[]; Effect: string }[] }).Statement);

    // Assess: it is allowed its logs only; like every role, it is denied changing audit records.
    // (and, as every function, to send its X-Ray trace segments: active tracing)
    expect(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat()).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    expect(statements.filter((s) => s.Effect !== 'Allow').flatMap((s) => [s.Action].flat()).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:UpdateItem']);
  });

  it('outputs the trigger’s ARN for the pool’s administrator, and alarms on its errors', () => {
    // Act
    const outputs = Object.values(service.templates.api.findOutputs('*')) as { Description?: string }[];
    const alarms = Object.values(resourcesOfType(service.templates.monitoring, 'AWS::CloudWatch::Alarm'));

    // Assess
    expect(outputs.map((o) => o.Description)).toContain('Attach as the pre token generation trigger (event version V2_0) of user pool eu-west-1_TeStPoOl1');
    expect(alarms.filter((a) => String(a.Properties?.AlarmDescription).startsWith('The pre-token-generation function'))).toHaveLength(2);
  });
});

describe('a Cognito stage that does not ask for the trigger', () => {
  let service: SynthesizedService;

  beforeAll(() => {
    service = synthesizeService({ ...cognitoStage, auth: { ...cognitoAuth, preTokenGenerationTrigger: false } });
  }, 120_000);

  afterAll(() => service?.cleanup());

  it('deploys no trigger and no permission for Cognito', () => {
    assertResourceCount(service.templates.api, 'AWS::Lambda::Function', apiFunctions.length);
    const permissions = Object.values(resourcesOfType(service.templates.api, 'AWS::Lambda::Permission'));
    expect(permissions.filter((p) => p.Properties?.Principal === 'cognito-idp.amazonaws.com')).toEqual([]);
  });
});
