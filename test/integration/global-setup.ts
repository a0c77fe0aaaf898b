import { startEmulators } from '../../infra/local/emulators';
import { LOCAL_CREDENTIALS } from '../../infra/local/local-config';

/** One DynamoDB Local, one SQS emulator and one SES emulator for the whole integration run; each
 * test file creates its own uniquely named table and queues on them (see support/emulators.ts).
 * A local stack a test file starts runs its own SES emulator (its sent mail is that file's alone);
 * the run's one is where any other SES client of a test sends, never real SES. */
export default async function globalSetup(): Promise<void> {
  const emulators = await startEmulators();
  const { dynamo, sqs, ses } = emulators;
  (globalThis as Record<string, unknown>).__emulators = emulators;
  // Workers are spawned after this, so they inherit these.
  Object.assign(process.env, LOCAL_CREDENTIALS, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
}
