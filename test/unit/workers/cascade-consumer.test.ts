import type { SQSRecord } from 'aws-lambda';
import { MissingRecipientError } from '../../../shared/domain/cascade-errors';
import type { CascadeEvent } from '../../../shared/events/cascade-event';
import { createCascadeConsumer, type CascadeWork } from '../../../shared/workers/cascade-consumer';
import { sendDeletionEmail } from '../../../shared/workers/deletion-email';
import type { ContactDirectory, ProcessedEvents } from '../../../shared/workers/ports';
import { cascadeEventFactory, emailEventFactory, FAKE_RECIPIENT, requestForEvent } from '../../fixtures/cascade-events';
import { recordingLog, sqsEventFactory, sqsRecordFactory } from './factories';
import { InMemoryProcessedEvents, InMemoryRequestProgress, RecordingMailSender } from './fakes';

const MAX_RECEIVE_COUNT = 3;
const NOW = new Date('2026-11-22T08:00:00.000Z');

function setup(work: CascadeWork, options: { processed?: ProcessedEvents } = {}) {
  const processed = new InMemoryProcessedEvents();
  const progress = new InMemoryRequestProgress(processed);
  const log = recordingLog();
  const handler = createCascadeConsumer({
    consumer: 'revoke-devices',
    step: 'devices',
    maxReceiveCount: MAX_RECEIVE_COUNT,
    processed: options.processed ?? processed,
    progress,
    work,
    log,
    now: () => NOW,
  });
  return { handler, processed, progress, log };
}

/** A work function that records each call and fails for the events it is told to. */
function recordingWork(failFor: (event: CascadeEvent) => Error | undefined = () => undefined) {
  const calls: string[] = [];
  const work: CascadeWork = async (event) => {
    calls.push(event.eventId);
    const error = failFor(event);
    if (error) throw error;
    return { count: 2, revoked: 2 };
  };
  return { work, calls };
}

function withRequests(progress: InMemoryRequestProgress, events: CascadeEvent[]): void {
  for (const event of events) progress.add(requestForEvent(event));
}

describe('cascade consumer', () => {
  it('retries only the failing record of a batch of ten', async () => {
    // Prepare
    const events = Array.from({ length: 10 }, () => cascadeEventFactory());
    const failing = events[4]!;
    const { work, calls } = recordingWork((event) => (event.eventId === failing.eventId ? Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }) : undefined));
    const { handler, progress } = setup(work);
    withRequests(progress, events);
    const records = events.map((event) => sqsRecordFactory(event));

    // Act
    const response = await handler(sqsEventFactory(records));

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: records[4]!.messageId }] });
    expect(calls).toHaveLength(10);
    for (const event of events.filter((e) => e !== failing)) expect(progress.get(event.requestId).steps.devices).toMatchObject({ status: 'SUCCESS', attempts: 1 });
    expect(progress.get(failing.requestId).steps.devices).toEqual({ status: 'PENDING', attempts: 1, lastError: 'Unexpected error (TimeoutError)', updatedAt: NOW.toISOString() });
    expect(progress.get(failing.requestId).status).toBe('IN_PROGRESS');
  });

  it('does nothing for a duplicate delivery of an event it already processed', async () => {
    // Prepare
    const event = cascadeEventFactory();
    const { work, calls } = recordingWork();
    const { handler, progress, log } = setup(work);
    withRequests(progress, [event]);
    await handler(sqsEventFactory([sqsRecordFactory(event)]));
    const afterFirst = structuredClone(progress.get(event.requestId));

    // Act
    const response = await handler(sqsEventFactory([sqsRecordFactory(event)]));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(progress.get(event.requestId)).toEqual(afterFirst);
    expect(log.lines.some((line) => line.fields.outcome === 'duplicate')).toBe(true);
  });

  it('processes two copies of one event in the same batch once', async () => {
    // Prepare
    const event = cascadeEventFactory();
    const { work, calls } = recordingWork();
    const { handler, progress } = setup(work);
    withRequests(progress, [event]);
    const copies = [sqsRecordFactory(event), sqsRecordFactory(event)];

    // Act
    const response = await handler(sqsEventFactory(copies));

    // Assess: one does the work; the other finds it claimed and is retried later (then a no-op)
    expect(calls).toHaveLength(1);
    expect(response.batchItemFailures).toHaveLength(1);
    expect(progress.get(event.requestId).steps.devices).toMatchObject({ status: 'SUCCESS', attempts: 1 });
  });

  it.each([
    ['a body that is not JSON', 'this is not json', false],
    ['an unknown event version', { ...cascadeEventFactory(), eventVersion: 2 }, true],
    ['an event type that does not match its subject', { ...cascadeEventFactory(), eventType: 'user.deleted' }, true],
    ['an unknown event type', { ...cascadeEventFactory(), eventType: 'customer.renamed' }, true],
  ])('treats %s as permanent: no work, step FAILED at once, parked for the DLQ', async (_name, body, requestIdReadable) => {
    // Prepare
    const { work, calls } = recordingWork();
    const { handler, progress, log } = setup(work);
    const requestId = typeof body === 'string' ? undefined : body.requestId;
    if (requestId) progress.add(requestForEvent(cascadeEventFactory({ requestId })));
    const poison = sqsRecordFactory(body);
    const good = cascadeEventFactory();
    withRequests(progress, [good]);

    // Act
    const response = await handler(sqsEventFactory([poison, sqsRecordFactory(good)]));

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: poison.messageId }] });
    expect(calls).toEqual([good.eventId]);
    expect(log.lines.filter((line) => line.level === 'error').map((line) => line.fields.messageId)).toEqual([poison.messageId]);
    expect(requestId !== undefined).toBe(requestIdReadable);
    const poisoned = requestId ? progress.get(requestId) : undefined;
    const expectedStep = requestIdReadable ? { status: 'FAILED', attempts: 1, lastError: 'Unrecognised cascade event' } : undefined;
    const step = poisoned?.steps.devices;
    expect(step && { status: step.status, attempts: step.attempts, lastError: step.lastError?.split(':')[0] }).toEqual(expectedStep);
    expect(poisoned?.status).toBe(requestIdReadable ? 'FAILED' : undefined);
  });

  it('marks the step FAILED on the last delivery before the DLQ, and still reports the record as failed', async () => {
    // Prepare
    const event = cascadeEventFactory();
    const { work } = recordingWork(() => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const { handler, progress } = setup(work);
    withRequests(progress, [event]);

    // Act
    const results = [];
    for (let receiveCount = 1; receiveCount <= MAX_RECEIVE_COUNT; receiveCount += 1) {
      const record = sqsRecordFactory(event, { receiveCount });
      await handler(sqsEventFactory([record]));
      results.push({ ...progress.get(event.requestId).steps.devices });
    }

    // Assess
    expect(results.map((s) => [s.status, s.attempts])).toEqual([
      ['PENDING', 1],
      ['PENDING', 2],
      ['FAILED', 3],
    ]);
    expect(results[2]!.lastError).toBe('Unexpected error (ThrottlingException)');
    expect(progress.get(event.requestId).status).toBe('FAILED');
  });

  it('fails the step at once on a permanent error', async () => {
    // Prepare
    const event = cascadeEventFactory();
    const { work } = recordingWork(() => new MissingRecipientError());
    const { handler, progress } = setup(work);
    withRequests(progress, [event]);
    const record = sqsRecordFactory(event);

    // Act
    const response = await handler(sqsEventFactory([record]));

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(progress.get(event.requestId).steps.devices).toMatchObject({ status: 'FAILED', attempts: 1, lastError: 'No recipient address for the deleted subject' });
  });

  it('lets a redriven message that now works bring the step and the request from FAILED to SUCCESS', async () => {
    // Prepare
    const event = cascadeEventFactory();
    let broken = true;
    const { work } = recordingWork(() => (broken ? new Error('boom') : undefined));
    const { handler, progress } = setup(work);
    progress.add(requestForEvent(event, { steps: { ...requestForEvent(event).steps, sessions: { status: 'SUCCESS', attempts: 1, updatedAt: NOW.toISOString() }, email: { status: 'SUCCESS', attempts: 1, updatedAt: NOW.toISOString() } } }));
    await handler(sqsEventFactory([sqsRecordFactory(event, { receiveCount: MAX_RECEIVE_COUNT })]));
    expect(progress.get(event.requestId).status).toBe('FAILED');

    // Act: the redriven copy is a new message, its receive count starts again
    broken = false;
    const response = await handler(sqsEventFactory([sqsRecordFactory(event, { receiveCount: 1 })]));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    // The success records what it changed and clears the earlier failure's error (SPEC: lastError is cleared when the step succeeds).
    expect(progress.get(event.requestId).steps.devices).toMatchObject({ status: 'SUCCESS', attempts: 2, count: 2 });
    expect(progress.get(event.requestId).steps.devices).not.toHaveProperty('lastError');
    expect(progress.get(event.requestId).status).toBe('SUCCESS');
  });

  it('releases its claim after a failure so the retry can do the work', async () => {
    // Prepare
    const event = cascadeEventFactory();
    let failures = 1;
    const { work, calls } = recordingWork(() => (failures-- > 0 ? new Error('transient') : undefined));
    const { handler, progress, processed } = setup(work);
    withRequests(progress, [event]);

    // Act
    await handler(sqsEventFactory([sqsRecordFactory(event)]));
    const retry = await handler(sqsEventFactory([sqsRecordFactory(event, { receiveCount: 2 })]));

    // Assess
    expect(retry.batchItemFailures).toEqual([]);
    expect(calls).toHaveLength(2);
    expect([...processed.markers.values()].map((m) => m.status)).toEqual(['COMPLETE']);
    expect(progress.get(event.requestId).steps.devices).toMatchObject({ status: 'SUCCESS', attempts: 2 });
  });

  it('retries a record whose claim cannot be taken (store unavailable) without failing the others', async () => {
    // Prepare
    const [bad, good] = [cascadeEventFactory(), cascadeEventFactory()];
    const inner = new InMemoryProcessedEvents();
    const flaky: ProcessedEvents = {
      claim: async (consumer, eventId) => {
        if (eventId === bad.eventId) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' });
        return inner.claim(consumer, eventId);
      },
      release: (claim) => inner.release(claim),
    };
    const { work } = recordingWork();
    const { handler, progress } = setup(work, { processed: flaky });
    withRequests(progress, [bad, good]);
    const records = [sqsRecordFactory(bad), sqsRecordFactory(good)];

    // Act
    const response = await handler(sqsEventFactory(records));

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: records[0]!.messageId }] });
  });

  it('answers an empty batch with no failures', async () => {
    // Prepare
    const { handler } = setup(recordingWork().work);

    // Act / Assess
    await expect(handler(sqsEventFactory([]))).resolves.toEqual({ batchItemFailures: [] });
  });
});

describe('send-email through the consumer', () => {
  const noContacts: ContactDirectory = { findContact: async () => undefined, findCustomerName: async () => undefined };

  it('sends exactly one notice for two deliveries of one event', async () => {
    // Prepare
    const mail = new RecordingMailSender();
    const event = emailEventFactory();
    const { handler, progress } = setup(async (e) => ({ count: (await sendDeletionEmail(e, noContacts, mail, 'no-reply@customer-deletion.test')).sent }));
    withRequests(progress, [event]);

    // Act
    await handler(sqsEventFactory([sqsRecordFactory(event)]));
    await handler(sqsEventFactory([sqsRecordFactory(event)]));

    // Assess
    expect(mail.sent).toHaveLength(1);
    expect(mail.sent[0]).toMatchObject({ to: FAKE_RECIPIENT.email, dedupeId: event.eventId });
  });

  it('never puts the address or the name in its logs or in lastError, even when the transport error quotes them', async () => {
    // Prepare
    const event = emailEventFactory();
    const rejecting = {
      send: async () => {
        throw Object.assign(new Error(`Email address is not verified: ${FAKE_RECIPIENT.name} <${FAKE_RECIPIENT.email}>`), { name: 'MessageRejected' });
      },
    };
    const records: SQSRecord[] = [sqsRecordFactory(event, { receiveCount: MAX_RECEIVE_COUNT })];
    const { handler, progress, log } = setup(async (e) => ({ count: (await sendDeletionEmail(e, noContacts, rejecting, 'no-reply@customer-deletion.test')).sent }));
    withRequests(progress, [event]);

    // Act
    await handler(sqsEventFactory(records));

    // Assess
    const stored = JSON.stringify(progress.get(event.requestId).steps);
    expect(progress.get(event.requestId).steps.devices).toMatchObject({ status: 'FAILED', lastError: 'Unexpected error (MessageRejected)' });
    for (const text of [log.text(), stored]) {
      expect(text).not.toContain(FAKE_RECIPIENT.email);
      expect(text).not.toContain(FAKE_RECIPIENT.name);
    }
  });
});
