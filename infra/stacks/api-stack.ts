import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type CorsPreflightOptions } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { apiFunctions, type HttpMethod as CatalogHttpMethod } from '../catalog';
import { consoleCorsPolicy } from '../config/cors';
import type { EnvironmentValues } from '../config/lambda-environment';
import type { StageConfig } from '../config/stages';
import { PreTokenGenerationTrigger } from '../constructs/cognito-trigger';
import { NodeFunction, type LinkResources } from '../constructs/node-function';
import { pascal } from './messaging-stack';

export interface ApiStackProps extends StackProps {
  config: StageConfig;
  environment: EnvironmentValues;
  resources: LinkResources;
}

const METHODS: Record<CatalogHttpMethod, HttpMethod> = { GET: HttpMethod.GET, DELETE: HttpMethod.DELETE, POST: HttpMethod.POST, PUT: HttpMethod.PUT };

/** One JSON object per request, in HTTP API's `$context` variables (all quoted: a missing value is "-"). */
export const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationStatus: '$context.integrationStatus',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  }),
);

/**
 * The API's CORS for the operator console (infra/config/cors.ts, the declaration the local gateway plays too). The
 * origin is the stage's `console.origin`, not the console stack's distribution: that stack reads this API's URL
 * (config.json, CSP), so the reverse reference would make a cycle (StageConfig.console says more). API Gateway answers
 * the preflight itself and adds the headers to every response.
 */
function consoleCors(origin: string): CorsPreflightOptions {
  const policy = consoleCorsPolicy(origin);
  return {
    allowOrigins: [...policy.allowOrigins],
    allowMethods: policy.allowMethods.map((method) => CorsHttpMethod[method]),
    allowHeaders: [...policy.allowHeaders],
    allowCredentials: false,
    maxAge: Duration.seconds(policy.maxAgeSeconds),
  };
}

/**
 * The HTTP API and the functions behind its routes, one Lambda integration per catalog route.
 * Tokens are verified inside the functions (jose, against the configured JWKS), not by an
 * API Gateway authorizer: the functions need the verified claims for role, scope and hierarchy
 * checks, and the local stack runs the same code with no gateway in front.
 */
export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly functions: NodeFunction[];
  /** The Cognito pre-token-generation trigger, when the stage's issuer is a user pool that asks for it. */
  readonly preTokenGeneration?: PreTokenGenerationTrigger;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.api = new HttpApi(this, 'HttpApi', {
      // A label, not an identifier (API names need not be unique): the stack's name, so stages differ.
      apiName: this.stackName,
      description: `Customer deletion API (${config.stage})`,
      // The stage is declared below, with throttling and access logs.
      createDefaultStage: false,
      ...(config.console?.origin !== undefined ? { corsPreflight: consoleCors(config.console.origin) } : {}),
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: config.logs.retention, removalPolicy });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.throttle.rateLimit, burstLimit: config.throttle.burstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    this.functions = apiFunctions.map((spec) => {
      const fn = new NodeFunction(this, pascal(spec.name), {
        spec,
        environment: props.environment,
        resources: props.resources,
        logRetention: config.logs.retention,
        logRemovalPolicy: removalPolicy,
      });
      const integration = new HttpLambdaIntegration(`${pascal(spec.name)}Integration`, fn.function);
      for (const route of spec.routes) {
        const [created] = this.api.addRoutes({ path: route.path, methods: [METHODS[route.method]], integration });
        if (created !== undefined) {
          Validations.of(created).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason:
              'No API Gateway authorizer by design: the function verifies the bearer JWT itself with jose (allow-listed asymmetric alg, exact iss/aud, exp/iat, bounded age) against the configured JWKS, and needs the claims for its role, scope and hierarchy checks.',
          });
        }
      }
      return fn;
    });

    if (config.auth.kind === 'cognito' && config.auth.preTokenGenerationTrigger) {
      this.preTokenGeneration = new PreTokenGenerationTrigger(this, 'PreTokenGeneration', {
        auth: config.auth,
        environment: props.environment,
        resources: props.resources,
        logRetention: config.logs.retention,
        logRemovalPolicy: removalPolicy,
      });
    }

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'Base URL of the customer deletion API' });
  }
}
