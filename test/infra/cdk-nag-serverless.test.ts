import { ServerlessChecks } from 'cdk-nag';
import { functions, queueIds, schedules } from '../../infra/catalog';
import { stageConfig } from '../../infra/config/stages';
import { synthesizeService, type SynthesizedService } from './support/service-app';

/**
 * cdk-nag's Serverless pack over the dev stage. The AwsSolutions pack runs in the synth (infra/app.ts) and in
 * cdk-nag.test.ts; this pack runs here, where each finding must match one row of the table below, which says why it
 * is accepted, and each row must still match what it expects (no stale acknowledgement). A new finding fails.
 */

let service: SynthesizedService;

beforeAll(() => {
  service = synthesizeService(stageConfig('dev'));
}, 120_000);

afterAll(() => service?.cleanup());

interface Accepted {
  rule: string;
  path: RegExp;
  /** How many resources it covers. */
  count: number;
  reason: string;
}

const STAGE = 'customer-deletion-dev';

const ACCEPTED: Accepted[] = [
  {
    rule: 'Serverless-LambdaDLQ',
    path: new RegExp(`^${STAGE}-(api|workers)/[A-Za-z]+/Function/Resource$`),
    count: functions.length,
    reason:
      'A function DLQ keeps failed asynchronous invocations. API functions are invoked synchronously (API Gateway answers the error); ' +
      'queue consumers by SQS event sources (a failed message goes to its queue DLQ); stream consumers by event source mappings with an ' +
      'on-failure destination (the relay-failures queue); the two schedules by EventBridge with no retry on purpose: the next run redoes ' +
      'the work, and each function has an Errors alarm.',
  },
  {
    rule: 'Serverless-SQSRedrivePolicy',
    path: new RegExp(`^${STAGE}-messaging/([A-Za-z]+/Dlq|OutboxRelayFailures)/Resource$`),
    count: queueIds.length + 1,
    reason: 'These are the dead-letter queues, the end of a redrive chain: each alarms at its first message and is redriven by hand.',
  },
  {
    rule: 'Serverless-LambdaEventSourceMappingDestination',
    path: new RegExp(`^${STAGE}-workers/[A-Za-z]+/Function/SqsEventSource:[A-Za-z0-9]+/Resource$`),
    count: functions.filter((f) => f.kind === 'queue-consumer').length,
    reason: 'SQS event source mappings take no on-failure destination (Lambda offers them for streams and Kafka): the queue redrive policy moves a failing message to its DLQ.',
  },
  {
    rule: 'Serverless-EventBusDLQ',
    path: new RegExp(`^${STAGE}-workers/[A-Za-z]+Schedule/Resource$`),
    count: schedules.length,
    reason: 'A scheduled invocation event carries nothing: a lost one is the same work as the next run (the reconciler every 5 minutes, the purge every hour).',
  },
  ...['Serverless-LambdaDLQ', 'Serverless-LambdaLatestVersion', 'Serverless-LambdaTracing'].map(
    (rule): Accepted => ({
      rule,
      path: new RegExp(`^${STAGE}-console/Custom::CDKBucketDeployment[0-9A-F]+/Resource$`),
      count: 1,
      reason: "CDK's BucketDeployment handler (the operator console's files): a custom resource CloudFormation invokes once per deploy, its runtime and settings CDK's.",
    }),
  ),
];

it('finds nothing the table does not accept, and each row still matches what it expects', () => {
  const report = new ServerlessChecks().validateScope(service.app);
  const findings = report.violations.flatMap((violation) => violation.violatingResources.map((resource) => ({ rule: violation.ruleName, path: resource.constructPath ?? '' })));
  expect(findings.length).toBeGreaterThan(0);

  const unaccepted = findings.filter((finding) => !ACCEPTED.some((row) => row.rule === finding.rule && row.path.test(finding.path)));
  expect(unaccepted).toEqual([]);

  const matched = ACCEPTED.map((row) => ({
    rule: row.rule,
    path: String(row.path),
    count: findings.filter((finding) => finding.rule === row.rule && row.path.test(finding.path)).length,
  }));
  expect(matched).toEqual(ACCEPTED.map((row) => ({ rule: row.rule, path: String(row.path), count: row.count })));
  for (const row of ACCEPTED) expect(row.reason.length).toBeGreaterThanOrEqual(60);
});
