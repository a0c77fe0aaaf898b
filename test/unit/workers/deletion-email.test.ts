import { MissingRecipientError } from '../../../shared/domain/cascade-errors';
import { composeDeletionEmail } from '../../../shared/workers/deletion-email';
import type { Contact, ContactDirectory } from '../../../shared/workers/ports';
import { cascadeEventFactory, emailEventFactory, FAKE_RECIPIENT } from '../../fixtures/cascade-events';

const FROM = 'Customer Deletion <no-reply@customer-deletion.test>';

function directory(contact?: Contact, customerName?: string) {
  const calls: string[] = [];
  const contacts: ContactDirectory = {
    findContact: async (subject) => {
      calls.push(`contact:${subject.type}`);
      return contact;
    },
    findCustomerName: async (customerId) => {
      calls.push(`customer:${customerId}`);
      return customerName;
    },
  };
  return { contacts, calls };
}

describe('composeDeletionEmail', () => {
  it('sends the purge notice for customer.purged, to the address the purge read (the event carries it)', async () => {
    // Prepare
    const event = emailEventFactory({ eventType: 'customer.purged', mode: 'hard' });
    const { contacts, calls } = directory();

    // Act
    const mail = await composeDeletionEmail(event, contacts, FROM);

    // Assess
    expect(mail).toMatchObject({ from: FROM, to: FAKE_RECIPIENT.email, subject: 'Your personal data has been erased', dedupeId: event.eventId });
    expect(mail.text).toContain('can no longer be restored');
    expect(calls).toEqual([]);
  });

  it('sends the "restored" notice for customer.restored, to the address the event carries', async () => {
    // Prepare
    const event = emailEventFactory({ eventType: 'customer.restored' });
    const { contacts, calls } = directory();

    // Act
    const mail = await composeDeletionEmail(event, contacts, FROM);

    // Assess
    expect(mail).toMatchObject({ from: FROM, to: FAKE_RECIPIENT.email, subject: 'Your customer account has been restored', dedupeId: event.eventId });
    expect(mail.text).toContain(`Restore reference: ${event.requestId}`);
    expect(mail.text).not.toContain('deleted on');
    expect(calls).toEqual([]);
  });

  it("writes to the address the event carries, with the customer's name, and reads nothing from the table", async () => {
    // Prepare
    const event = emailEventFactory({ mode: 'hard' });
    const { contacts, calls } = directory();

    // Act
    const mail = await composeDeletionEmail(event, contacts, FROM);

    // Assess
    expect(mail).toMatchObject({ from: FROM, to: FAKE_RECIPIENT.email, subject: 'Your customer account has been deleted', dedupeId: event.eventId });
    expect(mail.text).toContain(`Hello ${FAKE_RECIPIENT.name},`);
    expect(mail.text).toContain(`"${FAKE_RECIPIENT.name}" (ID cust-1001)`);
    expect(calls).toEqual([]);
  });

  it("addresses the user for a user deletion and names the customer account from the table", async () => {
    // Prepare
    const event = emailEventFactory({ subject: { type: 'user', customerId: 'cust-1001', userId: 'user-alice-kid' }, recipient: { email: 'sam@customer.example', name: 'Sam Martin' } });
    const { contacts, calls } = directory(undefined, 'Alice Martin');

    // Act
    const mail = await composeDeletionEmail(event, contacts, FROM);

    // Assess
    expect(mail.to).toBe('sam@customer.example');
    expect(mail.text).toContain('Hello Sam Martin,');
    expect(mail.text).toContain('of the customer account "Alice Martin" (ID cust-1001)');
    expect(calls).toEqual(['customer:cust-1001']);
  });

  it('falls back to the address in the table when the event carries none (soft delete)', async () => {
    // Prepare
    const event = cascadeEventFactory();
    const { contacts } = directory({ email: 'alice@customer.example', name: 'Alice Martin' });

    // Act
    const mail = await composeDeletionEmail(event, contacts, FROM);

    // Assess
    expect(mail.to).toBe('alice@customer.example');
  });

  it('fails permanently when there is no address anywhere', async () => {
    // Prepare
    const event = cascadeEventFactory({ mode: 'hard' });
    const { contacts } = directory();

    // Act / Assess
    await expect(composeDeletionEmail(event, contacts, FROM)).rejects.toBeInstanceOf(MissingRecipientError);
  });
});
