import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { queues, type QueueId } from '../catalog';
import type { StageConfig } from '../config/stages';
import { QueueWithDlq } from '../constructs/queue-with-dlq';

export interface MessagingStackProps extends StackProps {
  config: Pick<StageConfig, 'production'>;
}

/** The cascade's queues, one per consumer, each with its DLQ; plus the outbox relay's
 * on-failure destination. In production all of them are RETAINed: deleting the stack must not
 * drop a cascade in flight or a dead letter waiting for its redrive. */
export class MessagingStack extends Stack {
  readonly queues: Record<QueueId, QueueWithDlq>;
  /** Where the stream event source reports batches the outbox relay gave up on. */
  readonly relayFailures: Queue;

  constructor(scope: Construct, id: string, props: MessagingStackProps) {
    super(scope, id, props);
    const removalPolicy = props.config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.queues = Object.fromEntries(queues.map((spec) => [spec.id, new QueueWithDlq(this, pascal(spec.id), { spec, removalPolicy })])) as Record<
      QueueId,
      QueueWithDlq
    >;

    this.relayFailures = new Queue(this, 'OutboxRelayFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    Validations.of(this.relayFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter destination: the on-failure destination of the outbox relay\'s stream event source. Nothing consumes it automatically; its depth alarm pages an operator.',
    });
  }
}

export function pascal(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
