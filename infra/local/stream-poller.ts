import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecordSdk,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamConsumerSpec } from '../catalog';
import { invokeWithTimeout, type AsyncHandler } from './lambda-runtime';

export type StreamHandler = AsyncHandler<DynamoDBStreamEvent, DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  client: DynamoDBStreamsClient;
  streamArn: string;
  fn: Pick<StreamConsumerSpec, 'name' | 'timeoutSeconds' | 'memoryMb' | 'batchSize' | 'filter'>;
  handler: StreamHandler;
  pollIntervalMs?: number;
  log: { info(message: string, fields?: Record<string, unknown>): void; error(message: string, fields?: Record<string, unknown>): void };
}

/** Lambda's event filter, as the catalog declares it for CDK. */
export function passesFilter(record: StreamRecordSdk, filter: StreamConsumerSpec['filter']): boolean {
  const pk = record.dynamodb?.Keys?.pk?.S ?? '';
  const flagged = filter.newImageFlag === undefined || record.dynamodb?.NewImage?.[filter.newImageFlag]?.BOOL === true;
  return filter.eventNames.includes(record.eventName as 'INSERT') && pk.startsWith(filter.partitionKeyPrefix) && flagged;
}

function toLambdaRecord(record: StreamRecordSdk, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? 'us-east-1',
    eventSourceARN: streamArn,
    dynamodb: {
      ...(d.ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(d.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      // The SDK's and aws-lambda's AttributeValue types differ only nominally.
      Keys: d.Keys as never,
      NewImage: d.NewImage as never,
      OldImage: d.OldImage as never,
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType as never,
    },
  };
}

interface ShardCursor {
  iterator: string | undefined;
  /** Records read but not yet acknowledged by the handler (retried first, in order). */
  pending: StreamRecordSdk[];
  closed: boolean;
}

/**
 * Feeds a DynamoDB stream to a function with the semantics of Lambda's stream event source:
 * records in order per shard, the catalog's filter applied, and with ReportBatchItemFailures the
 * batch retried from the first failed sequence number (a throw retries the whole batch). Retries
 * go on until the handler succeeds, as with an unbounded retry policy; the relay is idempotent.
 */
export class DynamoDbStreamPoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly shards = new Map<string, ShardCursor>();

  constructor(private readonly options: StreamPollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async discoverShards(): Promise<void> {
    const { client, streamArn } = this.options;
    let exclusiveStartShardId: string | undefined;
    do {
      const described = await client.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }));
      for (const shard of described.StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || this.shards.has(shard.ShardId)) continue;
        // TRIM_HORIZON: outbox items written while nothing was polling are still delivered.
        const iterator = await client.send(
          new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
        );
        this.shards.set(shard.ShardId, { iterator: iterator.ShardIterator, pending: [], closed: false });
      }
      exclusiveStartShardId = described.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
  }

  /** One pass over every shard; returns how many records the handler acknowledged. */
  async pollOnce(): Promise<number> {
    await this.discoverShards();
    let acknowledged = 0;
    for (const cursor of this.shards.values()) {
      if (cursor.closed) continue;
      if (cursor.pending.length < this.options.fn.batchSize && cursor.iterator) {
        const page = await this.options.client.send(new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: 1000 }));
        cursor.pending.push(...(page.Records ?? []).filter((r) => passesFilter(r, this.options.fn.filter)));
        cursor.iterator = page.NextShardIterator;
      }
      if (!cursor.iterator && cursor.pending.length === 0) cursor.closed = true;
      if (cursor.pending.length === 0) continue;
      acknowledged += await this.deliver(cursor);
    }
    return acknowledged;
  }

  private async deliver(cursor: ShardCursor): Promise<number> {
    const { fn, handler, streamArn, log } = this.options;
    const batch = cursor.pending.slice(0, fn.batchSize);
    const records = batch.map((r) => toLambdaRecord(r, streamArn));
    let result: DynamoDBBatchResponse | void | undefined;
    try {
      result = await invokeWithTimeout(handler, { Records: records }, fn);
    } catch (error) {
      log.error('stream consumer failed the whole batch', { fn: fn.name, size: batch.length, error: error instanceof Error ? error.message : String(error) });
      return 0;
    }
    const failedSequence = (result?.batchItemFailures ?? [])
      .map((f) => records.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier))
      .reduce((min, index) => (index === -1 ? 0 : Math.min(min, index)), batch.length);
    // Checkpoint before the first failure: everything from it on is retried, in order.
    cursor.pending.splice(0, failedSequence);
    if (failedSequence < batch.length) log.info('stream batch retried from first failure', { fn: fn.name, acknowledged: failedSequence, retried: batch.length - failedSequence });
    return failedSequence;
  }

  private async run(): Promise<void> {
    const interval = this.options.pollIntervalMs ?? 200;
    while (this.running) {
      try {
        const acknowledged = await this.pollOnce();
        if (acknowledged === 0) await new Promise((r) => setTimeout(r, interval));
      } catch (error) {
        if (this.running) {
          this.options.log.error('stream poll failed', { fn: this.options.fn.name, error: error instanceof Error ? error.message : String(error) });
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }
  }
}
