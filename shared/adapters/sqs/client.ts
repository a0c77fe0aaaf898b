import { SQSClient } from '@aws-sdk/client-sqs';
import { traced } from '../../observability/tracer';

/**
 * One SQS client per cold start, its calls traced. It talks to the endpoint the SDK is configured with (regional in
 * AWS, AWS_ENDPOINT_URL_SQS locally), not to whatever host a queue URL names.
 */
export function createSqsClient(): SQSClient {
  return traced(new SQSClient({ useQueueUrlAsEndpoint: false }));
}
