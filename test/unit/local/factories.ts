import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Message } from '@aws-sdk/client-sqs';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { SQSRecord } from 'aws-lambda';
import type { IncomingHttpRequest } from '../../../infra/local/http-api-event';

/** Factories for the local stack's tests: every value here is fake. */

export const TEST_QUEUE_ARN = 'arn:aws:sqs:eu-west-1:000000000000:test-queue';

export function incomingRequest(overrides: Partial<IncomingHttpRequest> = {}): IncomingHttpRequest {
  return {
    method: 'DELETE',
    url: '/customer/cust-1',
    headers: { host: '127.0.0.1:3000', 'user-agent': 'local-stack-test' },
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
    ...overrides,
  };
}

export function sqsMessage(overrides: Partial<Message> = {}): Message {
  const messageId = overrides.MessageId ?? randomUUID();
  return {
    MessageId: messageId,
    ReceiptHandle: `receipt-${messageId}`,
    Body: JSON.stringify({ n: 1 }),
    MD5OfBody: 'fake-md5',
    Attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000', SenderId: 'FAKE-SENDER', ApproximateFirstReceiveTimestamp: '1700000000001' },
    ...overrides,
  };
}

export function sqsRecord(overrides: Partial<SQSRecord> = {}): SQSRecord {
  const messageId = overrides.messageId ?? randomUUID();
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: '{}',
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000', SenderId: 'FAKE-SENDER', ApproximateFirstReceiveTimestamp: '1700000000001' },
    messageAttributes: {},
    md5OfBody: 'fake-md5',
    eventSource: 'aws:sqs',
    eventSourceARN: TEST_QUEUE_ARN,
    awsRegion: 'eu-west-1',
    ...overrides,
  };
}

export function sqsRecords(count: number): SQSRecord[] {
  return Array.from({ length: count }, (_, i) => sqsRecord({ body: JSON.stringify({ n: i }) }));
}

export function streamRecord(options: { eventName?: 'INSERT' | 'MODIFY' | 'REMOVE'; pk?: string } = {}): StreamRecord {
  return {
    eventID: randomUUID(),
    eventName: options.eventName ?? 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      ...(options.pk !== undefined ? { Keys: { pk: { S: options.pk }, sk: { S: 'EVENT' } } } : {}),
      SequenceNumber: '100',
      StreamViewType: 'NEW_IMAGE',
    },
  };
}

interface SeedCustomerInput {
  id: string;
  parentId: string | null;
  name?: string;
  email?: string;
  activeSubscriptions?: number;
}

/** A seed file's content (as written to disk, so it may be deliberately wrong). */
export function seedDocument(parts: { customers?: SeedCustomerInput[]; users?: unknown[]; devices?: unknown[]; sessions?: unknown[] } = {}): Record<string, unknown> {
  const customers = (parts.customers ?? [{ id: 'root', parentId: null }, { id: 'child', parentId: 'root' }]).map((c) => ({
    name: `Customer ${c.id}`,
    email: `${c.id}@customer.example`,
    activeSubscriptions: 0,
    ...c,
  }));
  return {
    customers,
    ...(parts.users !== undefined ? { users: parts.users } : {}),
    ...(parts.devices !== undefined ? { devices: parts.devices } : {}),
    ...(parts.sessions !== undefined ? { sessions: parts.sessions } : {}),
  };
}

export function writeSeedFile(dir: string, content: unknown, name = `seed-${randomUUID()}.json`): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** A stand-in for Node's ServerResponse that records what writeHandlerResult writes. */
export function recordingResponse(): { res: ServerResponse; written: { status: number; headers: OutgoingHttpHeaders; body: Buffer } } {
  const written: { status: number; headers: OutgoingHttpHeaders; body: Buffer } = { status: 0, headers: {}, body: Buffer.alloc(0) };
  const res = {
    writeHead(status: number, headers: OutgoingHttpHeaders) {
      written.status = status;
      written.headers = headers;
      return res;
    },
    end(chunk?: string | Buffer) {
      written.body = chunk === undefined ? Buffer.alloc(0) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      return res;
    },
  };
  return { res: res as unknown as ServerResponse, written };
}

/** A log whose calls a test can inspect. */
export function spyLog() {
  return { info: jest.fn<void, [string, Record<string, unknown>?]>(), error: jest.fn<void, [string, Record<string, unknown>?]>() };
}
