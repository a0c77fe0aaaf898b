import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv, type Environment } from '../../config/env';
import { traced } from '../../observability/tracer';

/** One document client per cold start. The endpoint comes from the SDK's own configuration
 * (AWS_ENDPOINT_URL_DYNAMODB in the local stack), so no endpoint code lives here. */
export function createDocumentClient(client: DynamoDBClient = traced(new DynamoDBClient({}))): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** The table as the DynamoDB adapters take it: a client and the table's name. */
export interface TableRef {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

/** The table a function's `table` link gives it (TABLE_NAME). */
export function tableFromEnv(env: Environment): TableRef {
  return { doc: createDocumentClient(), tableName: requireEnv(env, 'TABLE_NAME') };
}
