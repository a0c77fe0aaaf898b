import type { RunningDynamoDb } from '../../infra/local/dynamodb-local';
import type { RunningSqs } from '../../infra/local/sqs-local';

export default async function globalTeardown(): Promise<void> {
  const emulators = (globalThis as Record<string, unknown>).__emulators as { dynamo: RunningDynamoDb; sqs: RunningSqs } | undefined;
  await Promise.all([emulators?.dynamo.stop(), emulators?.sqs.stop()]);
}
