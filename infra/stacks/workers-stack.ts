import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { queueConsumers, schedules, streamConsumers, table as tableSpec, type QueueId, type StreamConsumerSpec } from '../catalog';
import type { EnvironmentValues } from '../config/lambda-environment';
import type { StageConfig } from '../config/stages';
import { NodeFunction, type LinkResources } from '../constructs/node-function';
import { QueueConsumer } from '../constructs/queue-consumer';
import type { QueueWithDlq } from '../constructs/queue-with-dlq';
import { pascal } from './messaging-stack';

export interface WorkersStackProps extends StackProps {
  config: StageConfig;
  table: ITableV2;
  queues: Record<QueueId, QueueWithDlq>;
  relayFailures: IQueue;
  environment: EnvironmentValues;
  resources: LinkResources;
}

/** How often the stream event source retries a failing (bisected) batch before it reports it to
 * the relay-failures queue. */
export const RELAY_RETRY_ATTEMPTS = 10;
/** Stream records older than this are not retried any more (the stream keeps them 24 h). */
export const RELAY_MAX_RECORD_AGE = Duration.hours(6);

/** The DynamoDB-JSON filter pattern for a catalog stream filter: event names, a key prefix and, if named, a flag of the new image. */
export function streamFilterPattern(filter: StreamConsumerSpec['filter']): Record<string, unknown> {
  return {
    eventName: FilterRule.or(...filter.eventNames),
    dynamodb: {
      Keys: { [tableSpec.partitionKey]: { S: FilterRule.beginsWith(filter.partitionKeyPrefix) } },
      ...(filter.newImageFlag !== undefined ? { NewImage: { [filter.newImageFlag]: { BOOL: FilterRule.isEqual(true) } } } : {}),
    },
  };
}

/** The cascade's workers: the outbox relay (table stream → queues) and one consumer per queue. */
export class WorkersStack extends Stack {
  readonly functions: NodeFunction[];
  readonly relays: NodeFunction[];
  /** Functions run on a timer (the scheduled purge). */
  readonly schedules: NodeFunction[];

  constructor(scope: Construct, id: string, props: WorkersStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const common = {
      environment: props.environment,
      resources: props.resources,
      logRetention: config.logs.retention,
      logRemovalPolicy: removalPolicy,
    };

    this.relays = streamConsumers.map((spec) => {
      const relay = new NodeFunction(this, pascal(spec.name), { ...common, spec });
      // Failure handling: bounded retries plus an on-failure SQS destination, not unbounded
      // retry. A stream shard is processed in order, so with retryAttempts -1 one poison record
      // would stall every later deletion's cascade until the stream drops it after 24 h, silently.
      // Here the failing record is isolated (bisect + ReportBatchItemFailures), retried a bounded
      // number of times, and then the shard moves on while its coordinates land in the
      // relay-failures queue, whose depth alarm pages someone. Nothing is lost: the relay deletes
      // an outbox item only after it has published it, so the item is still in the table to replay.
      relay.function.addEventSource(
        new DynamoEventSource(props.table, {
          // From the oldest record the stream holds: a mapping that is (re)created must not skip
          // outbox items written meanwhile; consumers are idempotent on eventId.
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: spec.batchSize,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          retryAttempts: RELAY_RETRY_ATTEMPTS,
          maxRecordAge: RELAY_MAX_RECORD_AGE,
          onFailure: new SqsDlq(props.relayFailures),
          filters: [FilterCriteria.filter(streamFilterPattern(spec.filter))],
        }),
      );
      return relay;
    });

    const consumers = queueConsumers.map((spec) => {
      const consumer = new NodeFunction(this, pascal(spec.name), { ...common, spec });
      new QueueConsumer(this, `${pascal(spec.name)}Source`, { consumer, queue: props.queues[spec.queue] });
      return consumer;
    });

    // The catalog's schedules (the scheduled purge): an EventBridge rule at the declared rate invokes
    // the function; a failed run shows in its errors metric (alarmed by the monitoring stack).
    this.schedules = schedules.map((spec) => {
      const fn = new NodeFunction(this, pascal(spec.name), { ...common, spec });
      new Rule(this, `${pascal(spec.name)}Schedule`, {
        description: `Runs ${spec.name} every ${spec.rateMinutes} minutes`,
        schedule: Schedule.rate(Duration.minutes(spec.rateMinutes)),
        // A run is not retried by the rule: the next run does whatever this one left.
        targets: [new LambdaFunction(fn.function, { retryAttempts: 0 })],
      });
      return fn;
    });

    this.functions = [...this.relays, ...consumers, ...this.schedules];
  }
}
