import { startEmulators } from '../../infra/local/emulators';
import { LOCAL_CREDENTIALS } from '../../infra/local/local-config';

/** One DynamoDB Local and one SQS emulator for the whole integration run; each test file creates
 * its own uniquely named table and queues on them (see support/emulators.ts). */
export default async function globalSetup(): Promise<void> {
  const { dynamo, sqs } = await startEmulators();
  (globalThis as Record<string, unknown>).__emulators = { dynamo, sqs };
  // Workers are spawned after this, so they inherit these.
  Object.assign(process.env, LOCAL_CREDENTIALS, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
}
