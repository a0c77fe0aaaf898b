import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { redriveDlq } from '../../../shared/adapters/sqs/dlq-copy';
import { queueDepth, sendBodies, workerTestBed, type TestBed } from './harness';

describe('redriveDlq', () => {
  let bed: TestBed;

  beforeAll(async () => {
    bed = await workerTestBed();
  });

  afterAll(() => bed.destroy());

  it('moves every DLQ message back to its queue, in batches, keeping bodies and attributes', async () => {
    // Prepare
    const queue = bed.queues['send-email'];
    const bodies = Array.from({ length: 23 }, (_, i) => ({ n: i }));
    await sendBodies(bed.sqs, queue.dlqUrl, bodies);
    await bed.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.dlqUrl, MessageBody: '{"n":"attr"}', MessageAttributes: { origin: { DataType: 'String', StringValue: 'test' } } }),
    );

    // Act
    const result = await redriveDlq(bed.sqs, { dlqUrl: queue.dlqUrl, sourceUrl: queue.url });

    // Assess
    expect(result).toEqual({ moved: 24, failed: 0 });
    expect(await queueDepth(bed.sqs, queue.dlqUrl)).toBe(0);
    const received = [];
    while (received.length < 24) {
      const page = await bed.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 30, MessageAttributeNames: ['All'] }));
      if (!page.Messages?.length) break;
      received.push(...page.Messages);
    }
    expect(received.map((m) => m.Body).sort()).toEqual([...bodies.map((b) => JSON.stringify(b)), '{"n":"attr"}'].sort());
    expect(received.find((m) => m.Body === '{"n":"attr"}')?.MessageAttributes?.origin?.StringValue).toBe('test');
  });

  it('honours a maximum and reports an empty DLQ as nothing moved', async () => {
    // Prepare
    const queue = bed.queues['revoke-devices'];
    await sendBodies(bed.sqs, queue.dlqUrl, [1, 2, 3]);

    // Act
    const limited = await redriveDlq(bed.sqs, { dlqUrl: queue.dlqUrl, sourceUrl: queue.url }, { maxMessages: 2 });
    const rest = await redriveDlq(bed.sqs, { dlqUrl: queue.dlqUrl, sourceUrl: queue.url });
    const empty = await redriveDlq(bed.sqs, { dlqUrl: queue.dlqUrl, sourceUrl: queue.url });

    // Assess
    expect([limited.moved, rest.moved, empty.moved]).toEqual([2, 1, 0]);
    expect(await queueDepth(bed.sqs, queue.url)).toBe(3);
  });
});
