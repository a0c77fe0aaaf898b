import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Subject } from '../../domain/model';
import type { Contact, ContactDirectory } from '../../workers/ports';
import { keys } from './keys';

/**
 * Reads a subject's address from the table, for send-email events that carry no recipient. A soft
 * delete keeps the profile, so the address is still there; a purged (hard-deleted) profile has none.
 */
export class DynamoDbContactDirectory implements ContactDirectory {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  async findContact(subject: Subject): Promise<Contact | undefined> {
    const key = subject.type === 'user' ? keys.user(subject.customerId, subject.userId) : keys.customer(subject.customerId);
    const item = await this.get(key, 'email, #name, #status');
    if (!item || item.status === 'PURGED') return undefined;
    const { email, name } = item as { email?: unknown; name?: unknown };
    return typeof email === 'string' && email !== '' ? { email, name: typeof name === 'string' ? name : '' } : undefined;
  }

  async findCustomerName(customerId: string): Promise<string | undefined> {
    const item = await this.get(keys.customer(customerId), '#name, #status');
    return item && item.status !== 'PURGED' && typeof item.name === 'string' && item.name !== '' ? item.name : undefined;
  }

  private async get(key: { pk: string; sk: string }, projection: string): Promise<Record<string, unknown> | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: key,
        ProjectionExpression: projection,
        ExpressionAttributeNames: { '#name': 'name', '#status': 'status' },
      }),
    );
    return result.Item;
  }
}
