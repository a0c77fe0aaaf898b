import type { SQSBatchItemFailure, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { mapWithConcurrency } from './concurrency';

export type RecordResult = 'processed' | 'retry';

/**
 * A small partial-batch processor (the shape of Powertools' BatchProcessor for standard queues):
 * every record is handled, records run concurrently, and only the ones that ask for a retry are
 * reported in `batchItemFailures`, so SQS deletes the rest. A handler that throws is a retry too:
 * one bad record never fails the batch.
 */
export async function processPartialBatch(
  records: readonly SQSRecord[],
  handleRecord: (record: SQSRecord) => Promise<RecordResult>,
  options: { concurrency: number; onUnexpected?: (record: SQSRecord, error: unknown) => void },
): Promise<SQSBatchResponse> {
  const results = await mapWithConcurrency(records, options.concurrency, async (record) => {
    try {
      return await handleRecord(record);
    } catch (error) {
      options.onUnexpected?.(record, error);
      return 'retry' as const;
    }
  });
  const batchItemFailures: SQSBatchItemFailure[] = [];
  results.forEach((result, index) => {
    if (result === 'retry') batchItemFailures.push({ itemIdentifier: (records[index] as SQSRecord).messageId });
  });
  return { batchItemFailures };
}
