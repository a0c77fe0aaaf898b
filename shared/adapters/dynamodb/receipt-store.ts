import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReceiptStore, RequestForReceipt } from '../../receipts/receipt-signer';
import type { TableRef } from './client';
import { keys, requestShard } from './keys';

/** Receipts on their request item (`receipt`, `receiptSignedAt`); `receiptPending` set by the progress store. */
export class DynamoDbReceiptStore implements ReceiptStore {
  constructor(private readonly table: TableRef) {}

  async request(requestId: string): Promise<RequestForReceipt | undefined> {
    const result = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: keys.request(requestId), ConsistentRead: true }));
    return result.Item as RequestForReceipt | undefined;
  }

  async purgeAfterOf(customerId: string): Promise<string | undefined> {
    const result = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: keys.customer(customerId), ProjectionExpression: 'purgeAfter' }),
    );
    const purgeAfter = result.Item?.purgeAfter;
    return typeof purgeAfter === 'string' ? purgeAfter : undefined;
  }

  async store(requestId: string, receipt: string): Promise<boolean> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.request(requestId),
          // Done: the request leaves the open requests the SLA check and the reconciler read (keys.ts, byTime).
          UpdateExpression: 'SET receipt = :receipt, receiptSignedAt = :at, timePk = :done REMOVE receiptPending',
          // Signed once: never overwrite a stored receipt, and only a request that is SUCCESS.
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(receipt) AND #status = :success',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':receipt': receipt, ':at': new Date().toISOString(), ':success': 'SUCCESS', ':done': keys.requestsShard('DONE', requestShard(requestId)).timePk },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
