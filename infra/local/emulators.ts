import { startDynamoDbLocal, type RunningDynamoDb } from './dynamodb-local';
import { startSesLocal, type RunningSes } from './ses-local';
import { startSqsLocal, type RunningSqs } from './sqs-local';

export interface Emulators {
  dynamo: RunningDynamoDb;
  sqs: RunningSqs;
  ses: RunningSes;
}

/** An emulator someone else started and stops: reused by its endpoint. */
const reused = (endpoint: string) => Promise.resolve({ endpoint, stop: async () => undefined });

/**
 * Starts DynamoDB Local, the SQS emulator and the SES v2 emulator side by side, each on a port it
 * claims itself without a probe-then-bind race (or reuses running ones by endpoint). If one fails
 * to start, the others (DynamoDB Local is a Java process) are stopped before the error is thrown:
 * nothing is left behind. The local stack, the test run and the benchmark all start here.
 */
export async function startEmulators(
  options: { persistDir?: string; dynamoEndpoint?: string; sqsEndpoint?: string; sesEndpoint?: string } = {},
): Promise<Emulators> {
  const started = await Promise.allSettled([
    options.dynamoEndpoint ? reused(options.dynamoEndpoint) : startDynamoDbLocal(options.persistDir ? { persistDir: options.persistDir } : {}),
    options.sqsEndpoint ? reused(options.sqsEndpoint) : startSqsLocal(),
    options.sesEndpoint ? reused(options.sesEndpoint) : startSesLocal(),
  ] as const);
  const [dynamo, sqs, ses] = started;
  if (dynamo.status === 'rejected' || sqs.status === 'rejected' || ses.status === 'rejected') {
    await Promise.all(started.map((one) => (one.status === 'fulfilled' ? one.value.stop() : undefined)));
    throw (started.find((one) => one.status === 'rejected') as PromiseRejectedResult).reason;
  }
  return { dynamo: dynamo.value, sqs: sqs.value, ses: ses.value };
}
