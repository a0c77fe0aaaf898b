import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
  type QueueAttributeName,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueDepth, QueueOperations, RedriveOutcome } from '../../domain/queue-operations';
import { callDependency } from '../dynamodb/errors';
import { redriveDlq } from './dlq-copy';

/** A step queue and its DLQ, by URL. */
interface StepQueueUrls {
  queue: string;
  url: string;
  dlqUrl: string;
}

/** How a DLQ goes back: SQS's own move task (AWS), or receive-send-delete (the local emulator's move task moves nothing). */
export type RedriveMethod = 'sqs-move-task' | 'copy';

/** An SQS outage is a 503 the operator may retry; anything else stays a fault (a generic 500). */
const callSqs = <T>(call: () => Promise<T>): Promise<T> => callDependency('sqs', call);

export class SqsQueueOperations implements QueueOperations {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queues: readonly StepQueueUrls[],
    private readonly method: RedriveMethod,
  ) {}

  private async attributes(url: string, names: QueueAttributeName[]): Promise<Partial<Record<QueueAttributeName, string>>> {
    return (await callSqs(() => this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names })))).Attributes ?? {};
  }

  /** Two GetQueueAttributes per step queue (its own and its DLQ's), all at once. */
  async depths(): Promise<QueueDepth[]> {
    return Promise.all(
      this.queues.map(async ({ queue, url, dlqUrl }) => {
        const [own, dlq] = await Promise.all([
          this.attributes(url, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']),
          this.attributes(dlqUrl, ['ApproximateNumberOfMessages']),
        ]);
        return {
          queue,
          messages: Number(own.ApproximateNumberOfMessages ?? 0),
          inFlight: Number(own.ApproximateNumberOfMessagesNotVisible ?? 0),
          dlqMessages: Number(dlq.ApproximateNumberOfMessages ?? 0),
        };
      }),
    );
  }

  async redrive(queue: string): Promise<RedriveOutcome> {
    const target = this.queues.find((q) => q.queue === queue);
    if (!target) throw new Error(`No step queue ${queue}`);
    if (this.method === 'copy') {
      const { moved } = await callSqs(() => redriveDlq(this.sqs, { dlqUrl: target.dlqUrl, sourceUrl: target.url }));
      return { queue, moved };
    }
    const dlq = await this.attributes(target.dlqUrl, ['QueueArn', 'ApproximateNumberOfMessages']);
    // Nothing to move: no task to start (SQS would start one that moves nothing).
    if (Number(dlq.ApproximateNumberOfMessages ?? 0) === 0) return { queue, moved: 0 };
    const sourceArn = dlq.QueueArn ?? '';
    // SQS runs one move task per DLQ at a time: a second redrive while one runs answers the running one's handle.
    const running = (await callSqs(() => this.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 })))).Results?.find(
      (task) => task.Status === 'RUNNING' && task.TaskHandle,
    );
    if (running?.TaskHandle) return { queue, taskHandle: running.TaskHandle };
    // The destination is named (the step queue), so the role's SendMessage is on that queue only.
    const { QueueArn: destinationArn } = await this.attributes(target.url, ['QueueArn']);
    const started = await callSqs(() => this.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn })));
    return { queue, taskHandle: started.TaskHandle ?? '' };
  }
}
