import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { queues, type QueueId } from '../catalog';
import { LOCAL_CREDENTIALS } from './local-config';
import { redriveDlq } from './redrive';
import { readRuntimeInfo } from './runtime-info';

/**
 * `npm run redrive -- --queue NAME`: moves the local stack's DLQ messages for NAME (a catalog queue:
 * revoke-devices, end-sessions, send-email, or `all`) back to their queue. The running stack's
 * endpoints come from .local/runtime.json, written by `npm start`.
 * In AWS the same is SQS's own redrive: `aws sqs start-message-move-task --source-arn <DLQ ARN>`.
 */

const queueIds = queues.map((q) => q.id);
const usage = `Usage: npm run redrive -- --queue <${[...queueIds, 'all'].join('|')}> [--runtime FILE (default .local/runtime.json)]`;

class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${usage}`);
    this.name = 'UsageError';
  }
}

function selectedQueues(value: string | undefined): QueueId[] {
  if (!value) throw new UsageError('--queue is required.');
  if (value === 'all') return [...queueIds];
  if (!(queueIds as readonly string[]).includes(value)) throw new UsageError(`Unknown queue '${value}'.`);
  return [value as QueueId];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { queue: { type: 'string' }, runtime: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    console.log(usage);
    return;
  }
  const ids = selectedQueues(values.queue);
  const info = values.runtime ? readRuntimeInfo(values.runtime) : readRuntimeInfo();
  const sqs = new SQSClient({
    region: LOCAL_CREDENTIALS.AWS_REGION,
    endpoint: info.sqsEndpoint,
    credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  });
  try {
    for (const id of ids) {
      const queue = info.queues[id];
      const { moved, failed } = await redriveDlq(sqs, { dlqUrl: queue.dlqUrl, sourceUrl: queue.url });
      console.log(`${id}: moved ${moved} message(s) from its DLQ back to the queue${failed > 0 ? `, ${failed} refused (still in the DLQ)` : ''}`);
      if (failed > 0) process.exitCode = 1;
    }
  } finally {
    sqs.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
