import { startDynamoDbLocal, type RunningDynamoDb } from './dynamodb-local';
import { startSqsLocal, type RunningSqs } from './sqs-local';

export interface Emulators {
  dynamo: RunningDynamoDb;
  sqs: RunningSqs;
}

/**
 * Starts DynamoDB Local and the SQS emulator side by side, each on a port it claims itself without
 * a probe-then-bind race (or reuses running ones by endpoint). If one fails to start, the other
 * (a Java process) is stopped before the error is thrown: nothing is left behind. The local stack,
 * the test run and the benchmark all start here.
 */
export async function startEmulators(options: { persistDir?: string; dynamoEndpoint?: string; sqsEndpoint?: string } = {}): Promise<Emulators> {
  const [dynamoStart, sqsStart] = await Promise.allSettled([
    options.dynamoEndpoint
      ? Promise.resolve<RunningDynamoDb>({ endpoint: options.dynamoEndpoint, stop: async () => undefined })
      : startDynamoDbLocal(options.persistDir ? { persistDir: options.persistDir } : {}),
    options.sqsEndpoint
      ? Promise.resolve<RunningSqs>({ endpoint: options.sqsEndpoint, stop: async () => undefined })
      : startSqsLocal(),
  ]);
  if (dynamoStart.status === 'rejected' || sqsStart.status === 'rejected') {
    await Promise.all([dynamoStart, sqsStart].map((started) => (started.status === 'fulfilled' ? started.value.stop() : undefined)));
    throw dynamoStart.status === 'rejected' ? dynamoStart.reason : (sqsStart as PromiseRejectedResult).reason;
  }
  return { dynamo: dynamoStart.value, sqs: sqsStart.value };
}
