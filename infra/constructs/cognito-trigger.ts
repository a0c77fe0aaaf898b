import { ArnFormat, CfnOutput, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { preTokenGenerationTrigger } from '../catalog';
import type { CognitoAuthConfig } from '../config/auth';
import type { EnvironmentValues } from '../config/lambda-environment';
import { NodeFunction, type LinkResources } from './node-function';

export interface PreTokenGenerationTriggerProps {
  auth: CognitoAuthConfig;
  environment: EnvironmentValues;
  resources: LinkResources;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
}

/** The ARN of a user pool named by id and region, in the stack's account. */
export function userPoolArnOf(scope: Construct, auth: Pick<CognitoAuthConfig, 'region' | 'userPoolId'>): string {
  return Stack.of(scope).formatArn({ service: 'cognito-idp', region: auth.region, resource: 'userpool', resourceName: auth.userPoolId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}

/**
 * The pre-token-generation V2 trigger of the stage's user pool: the catalog's function (no link,
 * so no permission beyond its logs) and a resource policy that lets Cognito invoke it for that
 * pool only (source ARN and account). The pool is not this app's: `UserPool.fromUserPoolId` gives
 * a reference that cannot add triggers, and attaching one means UpdateUserPool, which resets every
 * setting it is not given. So the pool's administrator attaches the function (event version
 * V2_0), with the ARN this construct outputs (README, "Cognito as the issuer").
 */
export class PreTokenGenerationTrigger extends Construct {
  readonly fn: NodeFunction;
  readonly userPoolArn: string;

  constructor(scope: Construct, id: string, props: PreTokenGenerationTriggerProps) {
    super(scope, id);
    this.userPoolArn = userPoolArnOf(this, props.auth);
    this.fn = new NodeFunction(this, 'Trigger', {
      spec: preTokenGenerationTrigger,
      environment: props.environment,
      resources: props.resources,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.fn.function.addPermission('CognitoInvoke', {
      principal: new ServicePrincipal('cognito-idp.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceArn: this.userPoolArn,
      sourceAccount: Stack.of(this).account,
    });
    new CfnOutput(this, 'FunctionArn', {
      value: this.fn.function.functionArn,
      description: `Attach as the pre token generation trigger (event version ${preTokenGenerationTrigger.eventVersion}) of user pool ${props.auth.userPoolId}`,
    });
  }
}
