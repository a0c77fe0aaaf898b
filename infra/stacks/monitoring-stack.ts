import { type CfnResource, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, MathExpression, Metric, Stats, TextWidget, TreatMissingData, type IMetric, type IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { functions, purgeDue, RECONCILER_METRICS, reconcile, SERVICE_METRIC_DIMENSIONS, SERVICE_METRICS, tableLinksOf, type FunctionSpec, type QueueId } from '../catalog';
import { retryWindowSeconds } from '../config/catalog-rules';
import { SERVICE_NAME, slaSettingsOf, type StageConfig } from '../config/stages';
import type { NodeFunction } from '../constructs/node-function';
import type { QueueWithDlq } from '../constructs/queue-with-dlq';
import { pascal } from './messaging-stack';

export interface MonitoringStackProps extends StackProps {
  config: StageConfig;
  api: IHttpApi;
  table: ITableV2;
  queues: Record<QueueId, QueueWithDlq>;
  relayFailures: IQueue;
  functions: readonly NodeFunction[];
  /** Stream consumers: their iterator age says whether the cascade is falling behind. */
  relays: readonly NodeFunction[];
}

/** How far behind the table's stream the outbox relay may fall before someone is told. */
export const RELAY_ITERATOR_AGE_THRESHOLD = Duration.minutes(5);

/** A function whose slowest invocation in 5 minutes takes this share of its timeout is about to time out. */
export const DURATION_NEAR_TIMEOUT = 0.8;

/** The API's p99 latency budget (the functions' timeout is 10 s; a healthy request is a few hundred ms),
 * breached three 5-minute periods in a row so that one cold start in a quiet period does not page. */
export const API_P99_LATENCY_THRESHOLD = Duration.seconds(2);
export const API_P99_LATENCY_PERIODS = 3;

/** SES reviews an account at a 5 % bounce rate and 0.1 % complaint rate (pausing it at 10 % and 0.5 %):
 * the alarms fire at half the review thresholds, while there is time to act. */
export const SES_BOUNCE_RATE_THRESHOLD = 0.025;
export const SES_COMPLAINT_RATE_THRESHOLD = 0.0005;

/**
 * The table operations the service calls, its system errors and throttles summed over these: every action a function's
 * table link grants (infra/catalog.ts, so a new one is watched the day it is granted), ConditionCheckItem aside (it is
 * only ever part of a transaction), and TransactWriteItems, which the grants express as the actions it is made of.
 */
const TABLE_OPERATIONS: readonly Operation[] = [
  ...new Set(functions.flatMap((fn) => tableLinksOf(fn).flatMap((link) => link.actions)).filter((action) => action !== 'ConditionCheckItem')),
  'TransactWriteItems',
].map((action) => {
  const operation = Object.values(Operation).find((op) => op === action);
  if (operation === undefined) throw new Error(`No CloudWatch operation for table action ${action}`);
  return operation;
});

/** A queue's oldest message is older than its whole retry window: the consumer is not taking messages at all
 * (a healthy message is done, or dead-lettered, within `maxReceiveCount × visibility timeout`). */
function queueAgeThresholdSeconds(queue: QueueWithDlq): number {
  return retryWindowSeconds(queue.spec) + queue.spec.visibilityTimeoutSeconds;
}

/**
 * The alarms: a message in any dead-letter queue or a source queue's oldest message older than its
 * retry window, API 5xx responses and p99 latency, each function's errors, throttles and a duration
 * near its timeout (plus the stream consumers' backlog), the table's throttles and system errors,
 * the account's SES bounce and complaint rates, the scheduled purge's failed runs; from the
 * reconciler's metrics, any overdue request and any event it had to republish. With
 * `alarms.notify`, every alarm and its return to OK publish to one KMS-encrypted SNS topic (a
 * production stage cannot synthesize without a subscriber: infra/config/stages.ts).
 */
export class MonitoringStack extends Stack {
  readonly alarms: Alarm[] = [];
  readonly topic: Topic | undefined;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const { config } = props;

    if (config.alarms.notify) {
      const key = new Key(this, 'AlarmTopicKey', {
        description: `Encrypts the customer-deletion ${config.stage} alarm topic`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.DESTROY,
        pendingWindow: Duration.days(7),
      });
      // CloudWatch alarms publish to an encrypted topic only if the key lets them.
      key.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        }),
      );
      this.topic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
      for (const email of config.alarms.emails) this.topic.addSubscription(new EmailSubscription(email));
    }

    for (const queue of Object.values(props.queues)) {
      this.alarm(`${pascal(queue.spec.id)}DlqDepth`, {
        description: `A message on the ${queue.spec.id} queue exhausted its retries and is in its dead-letter queue: inspect it, fix the cause, redrive.`,
        metric: queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
      const ageSeconds = queueAgeThresholdSeconds(queue);
      this.alarm(`${pascal(queue.spec.id)}OldestMessageAge`, {
        description:
          `The oldest message on the ${queue.spec.id} queue is over ${Math.round(ageSeconds / 60)} minutes old, longer than its retries take: ` +
          `its consumer is not receiving (disabled event source, permissions, a deploy gone wrong). Messages are kept ${queue.spec.retentionDays} days.`,
        metric: queue.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
        threshold: ageSeconds,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
    const { republishAfterMinutes } = slaSettingsOf(config);
    this.alarm('OutboxRelayFailuresDepth', {
      description:
        `A stream consumer (the outbox relay or the receipt signer) gave up on table stream records. Their work is still in the table: ` +
        `the reconcile function republishes outbox items older than ${republishAfterMinutes} minutes and asks again for pending receipts, ` +
        `every ${reconcile.rateMinutes} minutes (run it now: aws lambda invoke --function-name <the reconcile function> out.json; locally: npm run reconcile). ` +
        `Find why the consumer failed in its logs, then purge this queue (its messages are only stream coordinates).`,
      metric: props.relayFailures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    // The reconciler's own metrics (RECONCILER_METRICS): one datapoint per run, so each period holds at least one run.
    const reconciler = props.functions.find((fn) => fn.spec.name === reconcile.name);
    if (reconciler === undefined) throw new Error(`MonitoringStack: no ${reconcile.name} function among the stage's functions`);
    const reconcilerMetric = (metricName: string, statistic: 'Maximum' | 'Sum') =>
      new Metric({
        namespace: RECONCILER_METRICS.namespace,
        metricName,
        dimensionsMap: { service: SERVICE_NAME, function_name: reconciler.function.functionName },
        period: Duration.minutes(2 * reconcile.rateMinutes),
        statistic,
      });
    this.alarm('OverdueRequests', {
      description:
        `Deletion requests are past their completion SLA (${slaSettingsOf(config).completionSlaHours} h) and not SUCCESS. ` +
        `List them: GET /api/v2/requests?overdue=true (ADMIN); the reconcile function's log names them. A FAILED step: fix its cause, redrive its DLQ.`,
      metric: reconcilerMetric(RECONCILER_METRICS.overdueRequests, 'Maximum'),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.alarm('ReconcilerRepublished', {
      description:
        `The reconciler republished outbox events the relay never sent (older than ${republishAfterMinutes} minutes): the outbox relay is losing events. ` +
        `Check the outbox-relay function's errors and iterator age and the relay-failures queue.`,
      metric: reconcilerMetric(RECONCILER_METRICS.republishedEvents, 'Sum'),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    this.alarm('Api5xx', {
      description: 'The customer deletion API answered with 5xx errors.',
      metric: props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.alarm('ApiP99Latency', {
      description: `The API's p99 latency was over ${API_P99_LATENCY_THRESHOLD.toMilliseconds()} ms for ${API_P99_LATENCY_PERIODS * 5} minutes: check the functions' duration and the table's throttles.`,
      metric: props.api.metricLatency({ period: Duration.minutes(5), statistic: Stats.p(99) }),
      threshold: API_P99_LATENCY_THRESHOLD.toMilliseconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: API_P99_LATENCY_PERIODS,
    });

    this.alarm('TableThrottles', {
      description: 'DynamoDB throttled requests to the deletion table (on demand: a sudden spike beyond twice the previous peak, or a hot partition).',
      metric: props.table.metricThrottledRequestsForOperations({ operations: [...TABLE_OPERATIONS], period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.alarm('TableSystemErrors', {
      description: 'DynamoDB answered requests to the deletion table with 5xx errors: the SDK retries them; cascade steps retry through their queues.',
      metric: props.table.metricSystemErrorsForOperations({ operations: [...TABLE_OPERATIONS], period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    // Account-level reputation (AWS/SES, no dimension): what SES itself reviews, whatever sent the mail.
    this.alarm('SesBounceRate', {
      description: `The account's SES bounce rate is over ${SES_BOUNCE_RATE_THRESHOLD * 100} % (SES reviews the account at 5 %, pauses sending at 10 %): deletion notices go to stale addresses.`,
      metric: new Metric({ namespace: 'AWS/SES', metricName: 'Reputation.BounceRate', period: Duration.hours(1), statistic: Stats.MAXIMUM }),
      threshold: SES_BOUNCE_RATE_THRESHOLD,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.alarm('SesComplaintRate', {
      description: `The account's SES complaint rate is over ${SES_COMPLAINT_RATE_THRESHOLD * 100} % (SES reviews the account at 0.1 %, pauses sending at 0.5 %).`,
      metric: new Metric({ namespace: 'AWS/SES', metricName: 'Reputation.ComplaintRate', period: Duration.hours(1), statistic: Stats.MAXIMUM }),
      threshold: SES_COMPLAINT_RATE_THRESHOLD,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    for (const fn of props.functions) {
      const name = pascal(fn.spec.name);
      this.alarm(`${name}Errors`, {
        description:
          fn.spec.name === purgeDue.name
            ? `The scheduled purge failed for some customers (each one's id and reason are in the ${fn.spec.name} log); the next run, ${purgeDue.rateMinutes} minutes later, tries them again.`
            : `The ${fn.spec.name} function failed invocations.`,
        metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
      this.alarm(`${name}Throttles`, {
        description: `The ${fn.spec.name} function was throttled.`,
        metric: fn.function.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
      this.alarm(`${name}DurationNearTimeout`, {
        description: `An invocation of the ${fn.spec.name} function took over ${DURATION_NEAR_TIMEOUT * 100} % of its ${fn.spec.timeoutSeconds} s timeout: it is about to time out.`,
        metric: fn.function.metricDuration({ period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
        threshold: DURATION_NEAR_TIMEOUT * fn.spec.timeoutSeconds * 1000,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }

    this.dashboard = this.createDashboard(props, reconcilerMetric);

    for (const relay of props.relays) {
      this.alarm(`${pascal(relay.spec.name)}IteratorAge`, {
        description: `The ${relay.spec.name} function is more than ${RELAY_ITERATOR_AGE_THRESHOLD.toMinutes()} minutes behind the table stream: the cascade is delayed.`,
        metric: relay.function.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: RELAY_ITERATOR_AGE_THRESHOLD.toMilliseconds(),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
  }

  /**
   * One dashboard of the stage: the business metrics (SERVICE_METRICS), then what the alarms watch (queues, DLQs, API,
   * functions, overdue requests). Each business metric is read per publishing function (its `function_name`), so
   * another stage's datapoints in the same account never mix in; a SEARCH per function draws one line per type, mode,
   * code or step it published.
   */
  private createDashboard(props: MonitoringStackProps, reconcilerMetric: (metricName: string, statistic: 'Maximum' | 'Sum') => Metric): Dashboard {
    const period = Duration.minutes(5);
    const published = (metric: ServiceMetricKey, emitters: readonly NodeFunction[], statistic: string, label: string): IMetric[] =>
      emitters.map(
        (fn) =>
          new MathExpression({
            expression: serviceMetricSearch(metric, fn.function.functionName, statistic, period.toSeconds()),
            label: `${fn.spec.name} ${label}`,
            usingMetrics: {},
            period,
          }),
      );
    const emitters = (rule: (spec: FunctionSpec) => boolean) => props.functions.filter((fn) => rule(fn.spec));
    const accepting = emitters(acceptsRequests);
    const answering = emitters((spec) => spec.kind === 'api');
    const stepping = emitters((spec) => spec.kind === 'queue-consumer');
    const queues = Object.values(props.queues);
    const graph = (title: string, left: IMetric[], options: { width?: number; right?: IMetric[]; stacked?: boolean } = {}) =>
      new GraphWidget({ title, left, ...(options.right ? { right: options.right } : {}), width: options.width ?? 8, height: 6, stacked: options.stacked ?? false, period });

    const rows: IWidget[][] = [
      [new TextWidget({ markdown: `# Customer deletion (${props.config.stage})\nBusiness metrics: namespace \`${SERVICE_METRICS.namespace}\`, by publishing function. Alarms: this stage's monitoring stack.`, width: 24, height: 2 })],
      [
        graph('Deletions accepted (by type and mode)', published('deletionsAccepted', accepting, 'Sum', 'accepted'), { stacked: true }),
        graph('Refusals (4xx, by code)', published('refusals', answering, 'Sum', 'refused'), { stacked: true }),
        graph('Step failures (by step; will-retry or failed)', published('stepFailures', stepping, 'Sum', 'failed attempts'), { stacked: true }),
      ],
      [
        graph('Time to SUCCESS (p50, p90)', [...published('timeToSuccess', stepping, 'p50', 'p50'), ...published('timeToSuccess', stepping, 'p90', 'p90')]),
        graph('Time to access cut-off (p50, p90)', [...published('timeToAccessCutOff', stepping, 'p50', 'p50'), ...published('timeToAccessCutOff', stepping, 'p90', 'p90')]),
        graph('Overdue requests (reconciler)', [reconcilerMetric(RECONCILER_METRICS.overdueRequests, 'Maximum')], {
          right: [reconcilerMetric(RECONCILER_METRICS.republishedEvents, 'Sum')],
        }),
      ],
      [
        graph('Queue depth (visible messages)', queues.map((q) => q.queue.metricApproximateNumberOfMessagesVisible({ period, statistic: Stats.MAXIMUM, label: q.spec.id }))),
        graph('Oldest message age (seconds)', queues.map((q) => q.queue.metricApproximateAgeOfOldestMessage({ period, statistic: Stats.MAXIMUM, label: q.spec.id }))),
        graph('Dead-letter queue depth', [
          ...queues.map((q) => q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: Stats.MAXIMUM, label: `${q.spec.id} DLQ` })),
          props.relayFailures.metricApproximateNumberOfMessagesVisible({ period, statistic: Stats.MAXIMUM, label: 'relay failures' }),
        ]),
      ],
      [
        graph('API 5xx and p99 latency', [props.api.metricServerError({ period, statistic: Stats.SUM, label: '5xx' })], {
          width: 8,
          right: [props.api.metricLatency({ period, statistic: Stats.p(99), label: 'p99 latency (ms)' })],
        }),
        graph('Function errors', props.functions.map((fn) => fn.function.metricErrors({ period, statistic: Stats.SUM, label: fn.spec.name })), { stacked: true }),
        graph('Function duration (p99, ms)', props.functions.map((fn) => fn.function.metricDuration({ period, statistic: Stats.p(99), label: fn.spec.name }))),
      ],
    ];
    const dashboard = new Dashboard(this, 'Dashboard', { widgets: rows, defaultInterval: Duration.hours(3) });
    // The stage's tags reach the dashboard (AWS::CloudWatch::Dashboard takes Tags, as CDK's generated L1 says), but
    // cfn-lint 1.51's schema predates them (E3002 "Tags was unexpected"): acknowledged on this one resource only.
    (dashboard.node.defaultChild as CfnResource).addMetadata('cfn-lint', { config: { ignore_checks: ['E3002'] } });
    return dashboard;
  }

  private alarm(
    id: string,
    props: { description: string; metric: IMetric; threshold: number; comparisonOperator: ComparisonOperator; evaluationPeriods?: number },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: props.comparisonOperator,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      // No data means nothing happened: no messages, no requests, no invocations.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (this.topic !== undefined) {
      // The same people hear when it is over: an alarm that only ever says "broken" leaves them to poll the console.
      alarm.addAlarmAction(new SnsAction(this.topic));
      alarm.addOkAction(new SnsAction(this.topic));
    }
    this.alarms.push(alarm);
    return alarm;
  }
}

type ServiceMetricKey = Exclude<keyof typeof SERVICE_METRICS, 'namespace'>;

/** A function that can commit a request: every accepted request commits its outbox event (PutItem on OUTBOX#). */
export function acceptsRequests(spec: Pick<FunctionSpec, 'links'>): boolean {
  return tableLinksOf(spec).some((link) => link.actions.includes('PutItem') && link.keyPrefixes.includes('OUTBOX#'));
}

/**
 * A CloudWatch SEARCH over one business metric of one function: its schema is the namespace and exactly the metric's
 * dimensions (`service`, `function_name` and SERVICE_METRIC_DIMENSIONS), so each published combination is a line.
 */
export function serviceMetricSearch(metric: ServiceMetricKey, functionName: string, statistic: string, periodSeconds: number): string {
  const schema = [SERVICE_METRICS.namespace, 'service', 'function_name', ...SERVICE_METRIC_DIMENSIONS[metric]].join(',');
  return `SEARCH('{${schema}} MetricName="${SERVICE_METRICS[metric]}" function_name="${functionName}"', '${statistic}', ${periodSeconds})`;
}
