import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { QueueConsumerSpec } from '../catalog';
import { visibilityProblems } from '../config/catalog-rules';
import type { NodeFunction } from './node-function';
import type { QueueWithDlq } from './queue-with-dlq';

export interface QueueConsumerProps {
  consumer: NodeFunction;
  queue: QueueWithDlq;
}

/**
 * Feeds a catalog queue to its consumer with Lambda's SQS event source: partial batch responses
 * (`ReportBatchItemFailures`, so one bad record does not retry the whole batch), the catalog's
 * batch size and window, and a bounded maximum concurrency so a backlog cannot exhaust the
 * account's concurrency or hammer the table. Refuses a queue whose visibility timeout is too short
 * for the consumer.
 */
export class QueueConsumer extends Construct {
  constructor(scope: Construct, id: string, props: QueueConsumerProps) {
    super(scope, id);
    const spec = props.consumer.spec;
    if (spec.kind !== 'queue-consumer' || spec.queue !== props.queue.spec.id) {
      throw new Error(`${spec.name} is not the catalog consumer of queue ${props.queue.spec.id}`);
    }
    const problems = visibilityProblems(props.queue.spec, spec);
    if (problems.length > 0) throw new Error(problems.join('; '));
    const consumerSpec: QueueConsumerSpec = spec;

    props.consumer.function.addEventSource(
      new SqsEventSource(props.queue.queue, {
        batchSize: consumerSpec.batchSize,
        maxBatchingWindow: Duration.seconds(consumerSpec.maxBatchingWindowSeconds),
        maxConcurrency: consumerSpec.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }
}
