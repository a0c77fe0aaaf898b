import { Annotations, AssetHashType, CfnOutput, DockerImage, Duration, Fn, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import type { ConsoleConfig, SignInConfig } from '../../console/src/config';
import { issuerScopes } from '../config/auth';
import type { StageConfig } from '../config/stages';
import { CONSOLE_DIR, consoleCsp, writeConsoleDist } from '../local/console-build';

export interface ConsoleStackProps extends StackProps {
  config: StageConfig;
  /** The API's base URL without a trailing slash (`https://<id>.execute-api.<region>.amazonaws.com`): the console's `apiUrl`, and its origin for the CSP. */
  apiEndpoint: string;
}

/**
 * The console's sign-in for a stage (authorization code + PKCE with the stage's issuer), or undefined when the stage
 * sets no client and endpoints (the page then says what to set). It asks for every operator scope as the issuer names
 * them, plus `openid`; a generic OIDC issuer also gets the API's audience (Auth0 mints an access token for an API only
 * when asked for its audience; others ignore it).
 */
export function consoleSignIn(config: StageConfig): SignInConfig | undefined {
  const { clientId, authorizationEndpoint, tokenEndpoint, logoutEndpoint } = config.console ?? {};
  if (clientId === undefined || authorizationEndpoint === undefined || tokenEndpoint === undefined) return undefined;
  const { auth } = config;
  return {
    authorizationEndpoint,
    tokenEndpoint,
    clientId,
    scope: ['openid', ...issuerScopes(auth)].join(' '),
    ...(auth.kind === 'oidc' ? { audience: auth.audience } : {}),
    provider: auth.kind === 'cognito' ? `the ${config.stage} Cognito user pool` : new URL(auth.issuer).host,
    ...(logoutEndpoint !== undefined
      ? { logout: { endpoint: logoutEndpoint, returnParameter: auth.kind === 'cognito' ? ('logout_uri' as const) : ('post_logout_redirect_uri' as const) } }
      : {}),
  };
}

/** `https://host[:port]` of a literal URL: a CSP source is an origin, not a path. */
function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * The operator console in AWS: its static files in a private S3 bucket, served by CloudFront through origin access
 * control, under the same Content-Security-Policy as the local stack's /console/ (plus, in connect-src, the API's
 * origin and the issuer's token endpoint's, which are not the console's here) and the usual security headers.
 *
 * The files come from the same build as `npm run console:build` (writeConsoleDist), run by CDK's local bundling at
 * synth into the asset's own directory: a deploy always ships the sources as they are, never an older console/dist,
 * and a build that fails stops the synth with esbuild's message. config.json is written at deploy time by the
 * BucketDeployment (`Source.jsonData`) with the API's URL, so the bundle does not change per stage and the API's URL
 * flows one way, API stack → console stack. The API's CORS takes the console's origin from the stage setting
 * `console.origin` rather than from this distribution (that would be the other way, a cycle): see StageConfig.console.
 */
export class ConsoleStack extends Stack {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    const { config } = props;
    const signIn = consoleSignIn(config);

    this.bucket = new Bucket(this, 'Assets', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // The files are a build output, rebuilt by any deploy: production keeps the bucket (as it keeps every resource
      // with state), other stages remove it, emptied, with their stack.
      removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !config.production,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Server access logs would record CloudFront (the only reader, through origin access control) fetching public build files; who did what is in the API access logs and the audit trail, since every operator action is an API call.',
    });

    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `Operator console (${config.stage}): CSP and security headers`,
      securityHeadersBehavior: {
        // override: CloudFront's value wins over any header stored with an object.
        // The page calls the API and, to sign in, the issuer's token endpoint (the authorization endpoint is a
        // navigation, which connect-src does not govern).
        contentSecurityPolicy: { contentSecurityPolicy: consoleCsp([props.apiEndpoint, ...(signIn ? [originOf(signIn.tokenEndpoint)] : [])]), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Customer deletion operator console (${config.stage})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        // HTTPS only: a plain-HTTP request is refused, not redirected, so no first request travels in the clear.
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The console is served on the distribution\'s default *.cloudfront.net certificate, whose TLS policy CloudFront fixes (a minimum protocol version needs a certificate of our own): giving the console a domain and an ACM certificate, then TLS_V1_2_2021, lifts this.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'Access logs would list downloads of public, static build files; every operator action is an API call, recorded in the API access logs and the audit trail.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Operators work from anywhere; the files hold no data and no secret, and the API authorizes every call with a bearer token.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'The distribution serves static files only (no origin that computes anything); the API, which does, has its own throttling and verifies a token on every call. A WAF web ACL (us-east-1) can be attached here if a stage needs one.',
    });

    const consoleConfig: ConsoleConfig = { apiUrl: props.apiEndpoint, ...(signIn ? { signIn } : {}) };
    const deploymentLogs = new LogGroup(this, 'DeploymentLogs', {
      retention: config.logs.retention,
      removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    new BucketDeployment(this, 'Deployment', {
      sources: [consoleAsset(), Source.jsonData('config.json', consoleConfig)],
      destinationBucket: this.bucket,
      // app.js keeps its name from build to build: CloudFront forgets the old files at each deploy, and browsers ask again.
      distribution: this.distribution,
      distributionPaths: ['/*'],
      cacheControl: [CacheControl.noCache()],
      prune: true,
      logGroup: deploymentLogs,
    });
    acknowledgeDeploymentHandler(this, this.bucket);

    if (signIn === undefined) {
      Annotations.of(this).addWarningV2(
        'customer-deletion:console-sign-in',
        `Stage ${config.stage} sets no console.clientId, console.authorizationEndpoint and console.tokenEndpoint: the deployed console cannot sign anyone in (it says so). Register a public client (authorization code + PKCE, callback URL the ConsoleUrl output) with the stage's issuer and set them in infra/config/stages.ts.`,
      );
    }
    if (config.console?.origin === undefined) {
      Annotations.of(this).addWarningV2(
        'customer-deletion:console-origin',
        `Stage ${config.stage} sets no console.origin: the API allows no browser origin, so the deployed console cannot call it. After a deploy, set console.origin in infra/config/stages.ts to this stack's ConsoleOrigin output and deploy again.`,
      );
    }

    new CfnOutput(this, 'ConsoleUrl', { value: `https://${this.distribution.distributionDomainName}/`, description: 'The operator console' });
    new CfnOutput(this, 'ConsoleOrigin', {
      value: Fn.join('', ['https://', this.distribution.distributionDomainName]),
      description: 'The console\'s origin: the value of console.origin in infra/config/stages.ts (the API\'s CORS allows it)',
    });
  }
}

/**
 * The console's files as a CDK asset, built at synth by writeConsoleDist (npm run console:build's build) into the
 * asset's directory. Its hash is the output's, so a change of anything bundled (a source, preact) redeploys. A synth
 * that skips bundling for this stack (tests, `cdk deploy <other stack>`) stages the sources as a placeholder instead.
 * The Docker image is never used: local bundling always answers (or throws, failing the synth with esbuild's errors).
 */
function consoleAsset() {
  return Source.asset(CONSOLE_DIR, {
    exclude: ['dist'],
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('unused-the-console-builds-locally'),
      local: {
        tryBundle(outputDir: string) {
          try {
            writeConsoleDist(outputDir);
          } catch (error) {
            throw new Error(`The operator console did not build (npm run console:build shows the same): ${(error as Error).message}`);
          }
          return true;
        },
      },
    },
  });
}

/**
 * The BucketDeployment's handler is CDK's own singleton function, granted what the copy needs: the wildcards cdk-nag
 * finds in its policy are CDK's grants (object actions on the bootstrap asset bucket's and this console bucket's
 * objects; CloudFront invalidation), each acknowledged by name, so that a new wildcard still fails the synth; its
 * role and runtime are CDK's too.
 */
function acknowledgeDeploymentHandler(stack: Stack, bucket: Bucket): void {
  const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (handler === undefined) throw new Error('BucketDeployment created no handler: its acknowledgements have nowhere to go');
  const grants: [string, string][] = [
    ['Action::s3:GetObject*', 'reads the console asset (s3:GetObject* as CDK grants reading an object)'],
    ['Action::s3:GetBucket*', 'reads the buckets\' metadata it copies between (CDK\'s read grant)'],
    ['Action::s3:List*', 'lists the console bucket to prune files a build no longer has'],
    ['Action::s3:DeleteObject*', 'deletes, in the console bucket only, files a build no longer has (prune)'],
    ['Action::s3:Abort*', 'aborts its own unfinished multipart uploads to the console bucket'],
    [`Resource::<${stack.getLogicalId(bucket.node.defaultChild as CfnBucket)}.Arn>/*`, 'the console bucket\'s objects: the deployment replaces them all'],
    ['Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*', 'the CDK bootstrap asset bucket, where the built console is uploaded (its object key is a hash known only at synth)'],
    ['Resource::*', 'cloudfront:CreateInvalidation and GetInvalidation, after each deploy; CDK grants them on "*"'],
  ];
  for (const [finding, why] of grants) {
    Validations.of(handler).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: `CDK's BucketDeployment handler ${why}.` });
  }
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'CDK\'s BucketDeployment handler role: the AWS managed basic execution policy lets it write its own logs, nothing more.',
  });
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'CDK\'s BucketDeployment handler runs the runtime aws-cdk-lib ships it with (Python, with the AWS CLI layer); it moves with aws-cdk-lib upgrades.',
  });
}
