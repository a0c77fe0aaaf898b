import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LoginDirectory } from '../../workers/ports';
import { keys } from './keys';

/**
 * A customer's logins from its partition: every `USER#<id>` item, whatever its status. A hard
 * delete has already erased their personal fields (and marked them DELETED), but their ids stay:
 * the login must still be disabled at the identity provider. Reads keys only, page by page.
 */
export class DynamoDbLoginDirectory implements LoginDirectory {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  async loginIdsOf(customerId: string): Promise<string[]> {
    return this.query(customerId, false);
  }

  /** A soft delete leaves its users' items as they were: those still ACTIVE are the logins it disabled. */
  async activeLoginIdsOf(customerId: string): Promise<string[]> {
    return this.query(customerId, true);
  }

  private async query(customerId: string, activeOnly: boolean): Promise<string[]> {
    const ids: string[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ProjectionExpression: 'sk',
          ExpressionAttributeValues: { ':pk': keys.customerPartition(customerId), ':prefix': keys.prefixes.user, ...(activeOnly ? { ':active': 'ACTIVE' } : {}) },
          ...(activeOnly ? { FilterExpression: '#status = :active', ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ConsistentRead: true,
          ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.sk).slice(keys.prefixes.user.length));
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
    return ids;
  }
}
