import { SQSClient } from '@aws-sdk/client-sqs';
import { queues, type QueueId } from '../catalog';
import { portOption, runCommand, UsageError } from './cli-args';
import { LOCAL_CREDENTIALS } from './local-config';
import { redriveDlq } from '../../shared/adapters/sqs/dlq-copy';
import { readRuntimeInfo } from './runtime-info';

/**
 * `npm run redrive -- --queue NAME`: moves the local stack's DLQ messages for NAME (a catalog queue,
 * or `all`) back to their queue. The running stack's endpoints come from its runtime file,
 * written by `npm start` (.local/runtime-<port>.json).
 * In AWS the same is SQS's own redrive: `aws sqs start-message-move-task --source-arn <DLQ ARN>`.
 */

const queueIds = queues.map((q) => q.id);

export const redriveCommand = {
  name: 'npm run redrive',
  usage: [
    `Usage: npm run redrive -- --queue <${[...queueIds, 'all'].join('|')}> [options]`,
    '',
    'Moves the messages in a queue\'s dead-letter queue back to the queue, on a running local stack.',
    '',
    '  --queue NAME    the catalog queue, or all (required)',
    '  --port N        the running stack (default: 3000, else the only one running)',
    '  --runtime FILE  that stack\'s runtime file instead (.local/runtime-<port>.json)',
    '  -h, --help      this text',
  ].join('\n'),
  options: { queue: { type: 'string' }, port: { type: 'string' }, runtime: { type: 'string' } },
} as const;

function selectedQueues(value: string | undefined): QueueId[] {
  if (!value) throw new UsageError('--queue is required');
  if (value === 'all') return [...queueIds];
  if (!(queueIds as readonly string[]).includes(value)) throw new UsageError(`unknown queue '${value}'`);
  return [value as QueueId];
}

void runCommand(redriveCommand, process.argv.slice(2), async (values) => {
  // A malformed value first: it is the more precise complaint.
  const port = portOption(values.port);
  const ids = selectedQueues(values.queue);
  const info = readRuntimeInfo({ ...(values.runtime !== undefined ? { file: values.runtime } : {}), ...(port !== undefined ? { port } : {}) });
  const sqs = new SQSClient({
    region: LOCAL_CREDENTIALS.AWS_REGION,
    endpoint: info.sqsEndpoint,
    credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  });
  let code = 0;
  try {
    for (const id of ids) {
      const queue = info.queues[id];
      const { moved, failed } = await redriveDlq(sqs, { dlqUrl: queue.dlqUrl, sourceUrl: queue.url });
      console.log(`${id}: moved ${moved} message(s) from its DLQ back to the queue${failed > 0 ? `, ${failed} refused (still in the DLQ)` : ''}`);
      if (failed > 0) code = 1;
    }
  } finally {
    sqs.destroy();
  }
  return code;
}).then((code) => {
  process.exitCode = code;
});
