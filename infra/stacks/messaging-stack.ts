import { Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { queues, type QueueId } from '../catalog';
import { QueueWithDlq } from '../constructs/queue-with-dlq';

/** The cascade's queues, one per consumer, each with its DLQ; plus the outbox relay's
 * on-failure destination. */
export class MessagingStack extends Stack {
  readonly queues: Record<QueueId, QueueWithDlq>;
  /** Where the stream event source reports batches the outbox relay gave up on. */
  readonly relayFailures: Queue;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.queues = Object.fromEntries(queues.map((spec) => [spec.id, new QueueWithDlq(this, pascal(spec.id), { spec })])) as Record<
      QueueId,
      QueueWithDlq
    >;

    this.relayFailures = new Queue(this, 'OutboxRelayFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
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
