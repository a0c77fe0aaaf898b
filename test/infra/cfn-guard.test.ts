import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App } from 'aws-cdk-lib';
import { stageConfig } from '../../infra/config/stages';
import { createServiceStacks } from '../../infra/stacks/service';

/**
 * cfn-guard with AWS Control Tower's proactive rules (npm `@cdklabs/cdk-validator-cfnguard`, a CDK
 * policy-validation plugin running the bundled cfn-guard binary) over the dev stage's synthesized
 * templates. Control Tower's rules are a landing zone's defaults, stricter than this service needs in
 * places; every rule the templates break is listed here with why it is accepted, and a rule listed
 * here that no longer fires fails the test too (so the list cannot go stale). Fixing a finding means
 * deleting its row.
 */
const ACCEPTED: Record<string, string> = {
  lambda_inside_vpc_check:
    'The functions reach only DynamoDB, SQS, SES, KMS, Cognito and X-Ray through their public endpoints with IAM; a VPC would add NAT or endpoints and cold-start latency, and no private resource exists to reach.',
  lambda_function_public_access_prohibited_check:
    "The policies the rule flags are API Gateway's and EventBridge's invoke permissions, scoped to the service principal and the source ARN: not public.",
  api_gw_v2_authorization_type_configured_check:
    'Routes carry no API Gateway authorizer by design: each function verifies the bearer token itself (jose; SPEC "Identity") so that a revoked actor and the v1/v2 error bodies are decided in one place; the JWKS, receipt keys and OpenAPI routes are public on purpose.',
  cloudwatch_log_group_retention_period_check:
    'Logs are kept one week in dev and three months in prod (infra/config/stages.ts): they hold ids of deleted subjects, and keeping them a year would keep what a deletion service should not.',
  cloudwatch_log_group_encrypted_check:
    'CloudWatch Logs encrypts every log group at rest with AWS-owned keys; logs carry no personal data (the logger and safe-error rules), so a customer-managed key per log group would add cost and not protection.',
  cloudwatch_alarm_action_check:
    "Dev alarms deliberately notify nobody (alarms.notify false for dev); prod's synth fails without a subscriber (test/infra/stage-guards.test.ts).",
  sqs_dlq_check:
    'The queues it flags are the dead-letter queues themselves and the stream relay-failures queue: the end of the line, alarmed on depth, redriven by hand.',
  kms_create_grant_aws_service_check:
    'The receipt-signing key is used only through IAM by two roles (kms:Sign, kms:GetPublicKey); no grant is ever created, and the key policy gives the account no kms:CreateGrant path beyond IAM.',
  s3_bucket_default_encryption_kms_check:
    'The console bucket holds a public static site (HTML, CSS, JS) behind CloudFront: S3-managed encryption is enough, and a KMS key would need CloudFront access to it.',
  s3_bucket_versioning_enabled_check: 'The console bucket is rebuilt from the repository on every deploy; versions would keep nothing of value.',
  s3_bucket_logging_enabled_check: "The console bucket is read only by CloudFront through origin access control; its access log would say only that CloudFront fetched the site.",
  s3_event_notifications_enabled_check: 'Nothing reacts to changes of the console bucket; it is written only by the deployment.',
  s3_lifecycle_policy_check: 'The console bucket holds one small site that each deploy replaces (the deployment prunes old files).',
  s3_bucket_object_lock_enabled_check: 'Object Lock would forbid the deployment from replacing the site.',
  cloudfront_origin_failover_enabled_check: 'One origin: the console bucket in the stage region; the API it calls is regional anyway.',
  cloudfront_access_logs_enabled_check: 'The console is a static site for signed-in operators; what they do is in the API audit trail, not in CDN logs.',
  cloudfront_custom_ssl_certificate_check:
    "The console is served on CloudFront's own domain until a stage gives it a custom domain and certificate (not configured in this repository).",
  cloudfront_sni_enabled_check: "Follows from CloudFront's default certificate (no custom certificate, so no SNI setting).",
  cloudfront_security_policy_check: "Follows from CloudFront's default certificate, whose security policy CloudFront sets (TLSv1 minimum on *.cloudfront.net).",
};

interface Violation {
  ruleName: string;
  violatingConstructs?: unknown[];
}

let report: { pluginReports: { violations: Violation[] }[] };
let outdir: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'cfn-guard-'));
  const app = new App({
    outdir,
    context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:validationReportJson': true },
    policyValidationBeta1: [new CfnGuardValidator({ controlTowerRulesEnabled: true })],
    // CDK's own CloudFormation schema validation (on by default, ~5 s here) is not what this file
    // checks: service-stacks.test.ts runs it on the same dev stage and requires it to find nothing.
    builtinCloudFormationValidation: false,
  });
  createServiceStacks(app, stageConfig('dev'));
  // The plugin fails the synth on any finding; what it found is in the JSON report either way.
  try {
    app.synth();
  } catch (error) {
    if (!/ValidationFailed|Validation failed/.test(String(error))) throw error;
  }
  const file = join(outdir, 'policy-validation-report.json');
  if (!existsSync(file)) throw new Error('cfn-guard wrote no report');
  report = JSON.parse(readFileSync(file, 'utf8')) as typeof report;
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cfn-guard (Control Tower rules) on the dev templates', () => {
  const rulesFound = () => [...new Set(report.pluginReports.flatMap((plugin) => plugin.violations.map((violation) => violation.ruleName)))].sort();

  it('finds nothing that is not accepted with its reason', () => {
    expect(rulesFound().filter((rule) => !(rule in ACCEPTED))).toEqual([]);
  });

  it('accepts nothing that no longer fires (a fixed finding leaves the list)', () => {
    expect(Object.keys(ACCEPTED).filter((rule) => !rulesFound().includes(rule))).toEqual([]);
  });

  it('ran: the plugin checked the templates and named what it found', () => {
    expect(report.pluginReports.length).toBeGreaterThan(0);
    expect(rulesFound().length).toBeGreaterThan(0);
  });
});
