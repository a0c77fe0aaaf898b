import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSpec } from '../catalog';

export interface QueueWithDlqProps {
  spec: QueueSpec;
  /** What happens to both queues (and the messages in them) when the stack goes: RETAIN in production. */
  removalPolicy: RemovalPolicy;
}

/**
 * A catalog queue and its dead-letter queue: SSE with SQS-managed keys (no KMS key to pay for or
 * grant), TLS-only access, the catalog's retention, visibility timeout and `maxReceiveCount`. Both
 * keep messages 14 days (SQS's maximum): a consumer stalled for days still finds its cascade there,
 * and the queue's age-of-oldest-message alarm says so long before. SQS expires a dead-lettered
 * message by its first enqueue time, so the DLQ never keeps less than the queue.
 */
export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly spec: QueueSpec;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;

    this.deadLetterQueue = new Queue(this, 'Dlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(spec.dlqRetentionDays),
      removalPolicy: props.removalPolicy,
    });

    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(spec.retentionDays),
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
      removalPolicy: props.removalPolicy,
    });
  }
}
