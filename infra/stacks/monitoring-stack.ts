import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { RECONCILER_METRICS, reconcile, type QueueId } from '../catalog';
import { SERVICE_NAME, slaSettingsOf, type StageConfig } from '../config/stages';
import type { NodeFunction } from '../constructs/node-function';
import type { QueueWithDlq } from '../constructs/queue-with-dlq';
import { pascal } from './messaging-stack';

export interface MonitoringStackProps extends StackProps {
  config: StageConfig;
  api: IHttpApi;
  queues: Record<QueueId, QueueWithDlq>;
  relayFailures: IQueue;
  functions: readonly NodeFunction[];
  /** Stream consumers: their iterator age says whether the cascade is falling behind. */
  relays: readonly NodeFunction[];
}

/** How far behind the table's stream the outbox relay may fall before someone is told. */
export const RELAY_ITERATOR_AGE_THRESHOLD = Duration.minutes(5);

/**
 * The alarms: a message in any dead-letter queue, API 5xx responses, and each function's errors
 * and throttles (plus the outbox relay's backlog); from the reconciler's metrics, any overdue
 * request and any event it had to republish. With `alarms.notify`, every alarm publishes to
 * one KMS-encrypted SNS topic.
 */
export class MonitoringStack extends Stack {
  readonly alarms: Alarm[] = [];
  readonly topic: Topic | undefined;

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

    for (const fn of props.functions) {
      const name = pascal(fn.spec.name);
      this.alarm(`${name}Errors`, {
        description: `The ${fn.spec.name} function failed invocations.`,
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
    }

    for (const relay of props.relays) {
      this.alarm(`${pascal(relay.spec.name)}IteratorAge`, {
        description: `The ${relay.spec.name} function is more than ${RELAY_ITERATOR_AGE_THRESHOLD.toMinutes()} minutes behind the table stream: the cascade is delayed.`,
        metric: relay.function.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: RELAY_ITERATOR_AGE_THRESHOLD.toMilliseconds(),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
  }

  private alarm(
    id: string,
    props: { description: string; metric: IMetric; threshold: number; comparisonOperator: ComparisonOperator },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: props.comparisonOperator,
      evaluationPeriods: 1,
      // No data means nothing happened: no messages, no requests, no invocations.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (this.topic !== undefined) alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }
}
