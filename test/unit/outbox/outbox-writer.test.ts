import type { DeletionFact, NewRequest } from '../../../shared/domain/deletion-ports';
import { cascadeWriteFor } from '../../../shared/outbox/outbox-writer';

const AT = '2026-11-22T10:00:00.000Z';
const REQUEST_ID = '00000000-0000-4000-8000-000000000001';

function requestFactory(overrides: Partial<NewRequest> = {}): NewRequest {
  return {
    requestId: REQUEST_ID,
    type: 'customer.delete',
    subject: { type: 'customer', customerId: 'c-1' },
    actor: { sub: 'user-1', role: 'ADMIN', accountId: 'platform' },
    mode: 'soft',
    status: 'IN_PROGRESS',
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

function factFactory(overrides: Partial<DeletionFact> = {}): DeletionFact {
  return {
    eventType: 'customer.deleted',
    requestId: REQUEST_ID,
    occurredAt: AT,
    subject: { type: 'customer', customerId: 'c-1' },
    actor: { sub: 'user-1', role: 'ADMIN', accountId: 'platform' },
    mode: 'soft',
    reason: null,
    recipient: { email: 'alice@example.com', name: 'Alice' },
    ...overrides,
  };
}

function sequentialIds() {
  let n = 0;
  return () => `00000000-0000-4000-9000-${String(++n).padStart(12, '0')}`;
}

/** SPEC "Requests, steps and events", read off the step declarations: a literal table. */
describe('cascadeWriteFor', () => {
  it.each([
    ['customer.delete', 'soft', ['identity', 'devices', 'sessions', 'email'], ['disable-logins', 'revoke-devices', 'end-sessions', 'send-email']],
    [
      'customer.delete',
      'hard',
      ['identity', 'devices', 'sessions', 'email', 'erasure'],
      ['disable-logins', 'revoke-devices', 'end-sessions', 'send-email', 'erase-logins'],
    ],
    ['user.delete', 'hard', ['identity', 'devices', 'sessions', 'email'], ['disable-logins', 'revoke-devices', 'end-sessions', 'send-email']],
    ['customer.restore', 'soft', ['identity', 'email'], ['disable-logins', 'send-email']],
    ['customer.purge', 'hard', ['email', 'erasure'], ['send-email', 'erase-logins']],
  ] as const)('%s (%s) runs steps %j, one event on each of %j', (type, mode, steps, queues) => {
    // Act
    const write = cascadeWriteFor(requestFactory({ type, mode }), factFactory({ mode }), sequentialIds());

    // Assess
    expect(Object.keys(write.request.steps)).toEqual(steps);
    for (const step of Object.values(write.request.steps)) expect(step).toEqual({ status: 'PENDING', attempts: 0, updatedAt: AT });
    expect(write.outbox.map((entry) => entry.queue)).toEqual(queues);
  });

  it('names the steps that end access, for accessRevokedAt', () => {
    // Act
    const write = cascadeWriteFor(requestFactory({ mode: 'hard' }), factFactory({ mode: 'hard' }), sequentialIds());

    // Assess
    expect(write.request.accessSteps).toEqual(['identity', 'devices', 'sessions']);
  });

  it('names no access step for a restore: it gives access back, it has no accessRevokedAt', () => {
    // Act
    const write = cascadeWriteFor(requestFactory({ type: 'customer.restore' }), factFactory({ eventType: 'customer.restored' }), sequentialIds());

    // Assess
    expect(write.request.accessSteps).toEqual([]);
  });

  it('gives each step its own event id, and the fact to every event', () => {
    // Act
    const write = cascadeWriteFor(requestFactory(), factFactory({ reason: 'asked' }), sequentialIds());

    // Assess
    expect(new Set(write.outbox.map((entry) => entry.event.eventId)).size).toBe(write.outbox.length);
    for (const { event } of write.outbox) {
      expect(event).toMatchObject({ eventType: 'customer.deleted', eventVersion: 1, requestId: REQUEST_ID, occurredAt: AT, mode: 'soft', reason: 'asked' });
    }
  });

  it('puts the address only on the event of the step that declares it carries the recipient', () => {
    // Act
    const write = cascadeWriteFor(requestFactory(), factFactory(), sequentialIds());

    // Assess
    const carrying = write.outbox.filter((entry) => entry.event.recipient !== undefined);
    expect(carrying.map((entry) => entry.queue)).toEqual(['send-email']);
    expect(carrying[0]?.event.recipient).toEqual({ email: 'alice@example.com', name: 'Alice' });
  });

  it('writes no recipient when the fact has none', () => {
    // Act
    const { recipient: _none, ...withoutRecipient } = factFactory();
    const write = cascadeWriteFor(requestFactory(), withoutRecipient, sequentialIds());

    // Assess
    expect(write.outbox.every((entry) => !('recipient' in entry.event))).toBe(true);
  });
});
