import { SESv2Client } from '@aws-sdk/client-sesv2';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbDeviceRevoker } from '../../../shared/adapters/dynamodb/cascade-store';
import { DynamoDbContactDirectory } from '../../../shared/adapters/dynamodb/contact-directory';
import { TableVpnSessionGateway } from '../../../shared/adapters/vpn/table-session-gateway';
import { createEndSessionsHandler } from '../../../shared/workers/steps/end-sessions';
import { createRevokeDevicesHandler } from '../../../shared/workers/steps/revoke-devices';
import { createSendEmailHandler } from '../../../shared/workers/steps/send-email';
import { customerItem, deviceItem, requestItem, sessionItem, userItem } from '../../../shared/adapters/dynamodb/items';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import type { MailSender, OutgoingMail } from '../../../shared/workers/ports';
import { SesMailSender } from '../../../shared/adapters/mail/ses-sender';
import { LOCAL_CREDENTIALS } from '../../../infra/local/local-config';
import { startSesLocal, type RunningSes } from '../../../infra/local/ses-local';
import type { CascadeEvent } from '../../../shared/events/cascade-event';
import { cascadeEventFactory, emailEventFactory, requestForEvent } from '../../fixtures/cascade-events';
import { mailTo } from '../support/mail';
import { pollerFor, stepPorts, putItems, readCustomerItems, readRequest, sendBody, workerTestBed, type TestBed } from './harness';

const SENDER = 'Customer Deletion <no-reply@customer-deletion.test>';

describe('cascade consumers on the emulators', () => {
  let bed: TestBed;
  let ses: RunningSes;
  let sesClient: SESv2Client;
  let sent: OutgoingMail[];
  let handlers: ReturnType<typeof buildHandlers>;

  function buildHandlers() {
    const sesSender = new SesMailSender(sesClient);
    const counting: MailSender = {
      send: async (mail) => {
        sent.push(mail);
        await sesSender.send(mail);
      },
    };
    return {
      devices: pollerFor(bed, 'revoke-devices', createRevokeDevicesHandler({ ...stepPorts(bed, 'devices'), devices: new DynamoDbDeviceRevoker(bed.doc, bed.tableName) })),
      sessions: pollerFor(bed, 'end-sessions', createEndSessionsHandler({ ...stepPorts(bed, 'sessions'), sessions: new TableVpnSessionGateway(bed.doc, bed.tableName) })),
      email: pollerFor(
        bed,
        'send-email',
        createSendEmailHandler({ ...stepPorts(bed, 'email'), mail: counting, sender: SENDER, contacts: new DynamoDbContactDirectory(bed.doc, bed.tableName) }),
      ),
    };
  }

  beforeAll(async () => {
    bed = await workerTestBed();
    // This file's own SES emulator: the notices it holds are this file's alone.
    ses = await startSesLocal();
    sesClient = new SESv2Client({
      endpoint: ses.endpoint,
      region: LOCAL_CREDENTIALS.AWS_REGION,
      credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
    });
    sent = [];
    handlers = buildHandlers();
  });

  afterAll(async () => {
    bed.destroy();
    sesClient.destroy();
    await ses.stop();
  });

  /** A customer with `devices` devices and `sessions` sessions split over two users, and the request for its deletion. */
  async function seedCustomer(customerId: string, event: CascadeEvent, counts: { devices: number; sessions: number }) {
    const users = ['u1', 'u2'].map((u) => `${customerId}-${u}`);
    await putItems(bed.doc, bed.tableName, [
      customerItem({ id: customerId, parentId: null, name: 'Alice Martin', email: 'alice@customer.example', activeSubscriptions: 0 }, 0),
      ...users.map((id, i) => userItem({ id, customerId, name: `User ${i}`, email: `user${i}@customer.example` })),
      ...Array.from({ length: counts.devices }, (_, i) => deviceItem({ id: `d${i}`, customerId, userId: users[i % 2] ?? null })),
      ...Array.from({ length: counts.sessions }, (_, i) => sessionItem({ id: `s${i}`, customerId, userId: users[i % 2] ?? null })),
      requestItem(requestForEvent(event)),
    ]);
    return users;
  }

  it('revokes every device of a deleted customer, and only that customer', async () => {
    // Prepare
    const event = cascadeEventFactory({ subject: { type: 'customer', customerId: 'cust-rd-1' } });
    await seedCustomer('cust-rd-1', event, { devices: 60, sessions: 0 });
    await putItems(bed.doc, bed.tableName, [deviceItem({ id: 'other', customerId: 'cust-rd-other' })]);
    await sendBody(bed.sqs, bed.queues['revoke-devices'].url, event);

    // Act
    const outcome = await handlers.devices.pollOnce();

    // Assess
    expect(outcome).toEqual({ received: 1, deleted: 1, failed: 0, wholeBatchFailed: false });
    const devices = await readCustomerItems(bed.doc, bed.tableName, 'cust-rd-1', keys.prefixes.device);
    expect(devices).toHaveLength(60);
    for (const device of devices) expect(device).toMatchObject({ status: 'REVOKED', revokedAt: expect.any(String), revokedByRequestId: event.requestId });
    expect(await readCustomerItems(bed.doc, bed.tableName, 'cust-rd-other', keys.prefixes.device)).toEqual([expect.objectContaining({ status: 'ACTIVE' })]);
    const request = await readRequest(bed.doc, bed.tableName, event.requestId);
    expect(request.steps.devices).toMatchObject({ status: 'SUCCESS', attempts: 1 });
    expect(request.status).toBe('IN_PROGRESS');
  });

  it("for a deleted user, revokes that user's devices and ends that user's sessions only", async () => {
    // Prepare
    const customerId = 'cust-user-1';
    const draft = cascadeEventFactory();
    const users = await seedCustomer(customerId, draft, { devices: 6, sessions: 4 });
    const target = users[0]!;
    const event = { ...draft, eventType: 'user.deleted' as const, subject: { type: 'user' as const, customerId, userId: target } };
    await sendBody(bed.sqs, bed.queues['revoke-devices'].url, event);
    await sendBody(bed.sqs, bed.queues['end-sessions'].url, event);

    // Act
    await Promise.all([handlers.devices.pollOnce(), handlers.sessions.pollOnce()]);

    // Assess
    const devices = await readCustomerItems(bed.doc, bed.tableName, customerId, keys.prefixes.device);
    const sessions = await readCustomerItems(bed.doc, bed.tableName, customerId, keys.prefixes.session);
    expect(devices.filter((d) => d.status === 'REVOKED').map((d) => d.userId)).toEqual([target, target, target]);
    expect(devices.filter((d) => d.status === 'ACTIVE').map((d) => d.userId)).toEqual([users[1], users[1], users[1]]);
    expect(sessions.filter((s) => s.status === 'TERMINATED')).toEqual([
      expect.objectContaining({ userId: target, terminatedByRequestId: event.requestId, terminatedAt: expect.any(String) }),
      expect.objectContaining({ userId: target }),
    ]);
    expect(sessions.filter((s) => s.status === 'ACTIVE').map((s) => s.userId)).toEqual([users[1], users[1]]);
  });

  it('runs the three consumers at once and brings the request to SUCCESS, with the notice in the mail sink', async () => {
    // Prepare
    const customerId = 'cust-all-1';
    const base = cascadeEventFactory({ subject: { type: 'customer', customerId }, mode: 'hard' });
    await seedCustomer(customerId, base, { devices: 5, sessions: 3 });
    const events = { devices: { ...base }, sessions: { ...base, eventId: cascadeEventFactory().eventId }, email: emailEventFactory({ ...base, eventId: cascadeEventFactory().eventId }) };
    await sendBody(bed.sqs, bed.queues['revoke-devices'].url, events.devices);
    await sendBody(bed.sqs, bed.queues['end-sessions'].url, events.sessions);
    await sendBody(bed.sqs, bed.queues['send-email'].url, events.email);

    // Act
    const outcomes = await Promise.all([handlers.devices.pollOnce(), handlers.sessions.pollOnce(), handlers.email.pollOnce()]);

    // Assess
    expect(outcomes.map((o) => o.deleted)).toEqual([1, 1, 1]);
    const request = await readRequest(bed.doc, bed.tableName, base.requestId);
    expect(request.status).toBe('SUCCESS');
    expect(Object.values(request.steps).map((s) => [s.status, s.attempts])).toEqual([
      ['SUCCESS', 1],
      ['SUCCESS', 1],
      ['SUCCESS', 1],
    ]);
    expect(request.progressVersion).toBe(3);
    const [notice, ...more] = (await mailTo(ses.endpoint, 'alice@customer.example')).filter((mail) => mail.text.includes('(ID cust-all-1)'));
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ from: SENDER, to: ['alice@customer.example'], subject: 'Your customer account has been deleted' });
    expect(notice?.text).toContain('Your customer account "Alice Martin" (ID cust-all-1) was deleted on 22 November 2026 at 07:30 UTC.');
    expect(notice?.text).toContain('Your personal data (name and email address) has been erased.');
  });

  it('handles a duplicate delivery of one event as a no-op: one email, nothing changed twice', async () => {
    // Prepare
    const customerId = 'cust-dup-1';
    const event = emailEventFactory({ subject: { type: 'customer', customerId } });
    await seedCustomer(customerId, event, { devices: 2, sessions: 0 });
    const before = sent.length;
    const devicesEvent = { ...event, eventId: cascadeEventFactory().eventId };
    for (const [queue, body] of [['send-email', event], ['revoke-devices', devicesEvent]] as const) await sendBody(bed.sqs, bed.queues[queue].url, body);
    await Promise.all([handlers.email.pollOnce(), handlers.devices.pollOnce()]);
    const afterFirst = await readRequest(bed.doc, bed.tableName, event.requestId);
    const devicesAfterFirst = await readCustomerItems(bed.doc, bed.tableName, customerId, keys.prefixes.device);

    // Act: the same messages delivered again (SQS is at-least-once)
    for (const [queue, body] of [['send-email', event], ['revoke-devices', devicesEvent]] as const) await sendBody(bed.sqs, bed.queues[queue].url, body);
    const again = await Promise.all([handlers.email.pollOnce(), handlers.devices.pollOnce()]);

    // Assess
    expect(again.map((o) => [o.received, o.deleted])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(sent.length - before).toBe(1);
    expect((await mailTo(ses.endpoint, 'alice@customer.example')).filter((mail) => mail.text.includes(`(ID ${customerId})`))).toHaveLength(1);
    expect(await readRequest(bed.doc, bed.tableName, event.requestId)).toEqual(afterFirst);
    expect(await readCustomerItems(bed.doc, bed.tableName, customerId, keys.prefixes.device)).toEqual(devicesAfterFirst);
    const marker = await bed.doc.send(new GetCommand({ TableName: bed.tableName, Key: keys.processed('send-email', event.eventId) }));
    expect(marker.Item).toMatchObject({ status: 'COMPLETE', requestId: event.requestId, expiresAt: expect.any(Number) });
    const ttlDays = ((marker.Item?.expiresAt as number) - Date.now() / 1000) / 86400;
    expect(Math.round(ttlDays)).toBe(30);
  });
});
