import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxStore } from '../../outbox/outbox-relay';
import type { TableRef } from './client';

/** Removes published outbox items (the relay's only write: `DeleteItem` on `OUTBOX#` keys). */
export class DynamoDbOutboxStore implements OutboxStore {
  constructor(private readonly table: TableRef) {}

  async remove(entry: { pk: string; sk: string }): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: { pk: entry.pk, sk: entry.sk } }));
  }
}
