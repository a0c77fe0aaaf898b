import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RequestReader, StoredRequest } from '../../domain/request-query';
import { callDynamo } from './errors';
import { keys } from './keys';

export class DynamoRequestReader implements RequestReader {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  async getRequest(requestId: string): Promise<StoredRequest | undefined> {
    const result = await callDynamo(() => this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.request(requestId), ConsistentRead: true })));
    return result.Item as StoredRequest | undefined;
  }
}
