import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueId } from '../../../infra/catalog';
import type { QueuePublisher } from '../../outbox/outbox-relay';

export class SqsQueuePublisher implements QueuePublisher {
  constructor(private readonly sqs: SQSClient, private readonly queueUrls: Readonly<Record<QueueId, string>>) {}

  async publish(queue: QueueId, body: string, attributes: { eventType: string; eventId: string }): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrls[queue],
        MessageBody: body,
        MessageAttributes: {
          eventType: { DataType: 'String', StringValue: attributes.eventType },
          eventId: { DataType: 'String', StringValue: attributes.eventId },
        },
      }),
    );
  }
}
