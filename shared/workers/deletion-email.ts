import { MissingRecipientError } from '../domain/cascade-errors';
import { renderDeletionNotice, renderPurgeNotice, renderRestoreNotice } from '../domain/deletion-notice';
import type { DeletionEvent } from './event';
import type { ContactDirectory, MailSender, OutgoingMail } from './ports';

/**
 * The notice for one event. The recipient is the subject's own address as the event carries it
 * (`recipient`, captured by the delete transaction, because a hard delete erases it from the
 * table in that same transaction): the customer's address for customer.deleted, the user's for
 * user.deleted. Only when an event carries none is the address read from the table (a soft delete
 * keeps it); with neither, the step fails permanently: there is no one to write to.
 */
export async function composeDeletionEmail(event: DeletionEvent, contacts: ContactDirectory, from: string): Promise<OutgoingMail> {
  const recipient = event.recipient ?? (await contacts.findContact(event.subject));
  if (!recipient) throw new MissingRecipientError();
  const customerName = event.subject.type === 'customer' ? recipient.name : await contacts.findCustomerName(event.subject.customerId);
  const notice =
    event.eventType === 'customer.restored'
      ? renderRestoreNotice({ recipientName: recipient.name, customerId: event.subject.customerId, restoredAt: event.occurredAt, requestId: event.requestId })
      : event.eventType === 'customer.purged'
        ? renderPurgeNotice({ recipientName: recipient.name, customerId: event.subject.customerId, purgedAt: event.occurredAt, requestId: event.requestId })
        : renderDeletionNotice({
          recipientName: recipient.name,
          customerName,
          subject: event.subject,
          mode: event.mode,
          deletedAt: event.occurredAt,
          requestId: event.requestId,
        });
  // The event id makes the message's identity: the sink names its file after it, SES tags it.
  return { from, to: recipient.email, subject: notice.subject, text: notice.text, dedupeId: event.eventId };
}

export async function sendDeletionEmail(event: DeletionEvent, contacts: ContactDirectory, mail: MailSender, from: string): Promise<{ sent: number }> {
  await mail.send(await composeDeletionEmail(event, contacts, from));
  return { sent: 1 };
}
