import type { DeletionMode, Subject } from './model';
import { cleanName } from './safe-error';

/**
 * The plain-text deletion notice the send-email consumer sends. Pure: rendering is unit-tested.
 * Names come from customer data: `cleanName` (safe-error.ts) keeps each to one printable, bounded line.
 */

export interface DeletionNoticeInput {
  /** The person addressed: the customer's name for a customer deletion, the user's for a user deletion. */
  recipientName: string;
  /** The customer account's name, when known (for a user deletion it is looked up; it may be absent). */
  customerName?: string | undefined;
  subject: Subject;
  mode: DeletionMode;
  /** When the deletion was accepted (the event's occurredAt), ISO-8601. */
  deletedAt: string;
  requestId: string;
}

export interface DeletionNotice {
  subject: string;
  text: string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `22 November 2026 at 07:30 UTC`: written out, so no reader mistakes day and month. */
export function formatNoticeDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError('deletedAt is not a date');
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} at ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

export function renderDeletionNotice(input: DeletionNoticeInput): DeletionNotice {
  const when = formatNoticeDate(input.deletedAt);
  const name = cleanName(input.recipientName);
  const customerName = cleanName(input.customerName);
  const account = customerName ? `"${customerName}" (ID ${input.subject.customerId})` : `ID ${input.subject.customerId}`;
  const userId = input.subject.type === 'user' ? input.subject.userId : undefined;
  const isUser = userId !== undefined;

  const subject = isUser ? 'Your user login has been deleted' : 'Your customer account has been deleted';
  const what = isUser
    ? `Your user login (ID ${userId}) of the customer account ${account} was deleted on ${when}.`
    : `Your customer account ${account} was deleted on ${when}.`;
  const owner = isUser ? 'your login' : 'the account';
  const items = [
    isUser ? 'your user login: you can no longer sign in with it' : 'the customer account and its logins: no one can sign in to it any more',
    `every device registered to ${owner}: revoked, it can no longer connect`,
    `every active VPN session of ${owner}: ended`,
  ];
  const retention =
    input.mode === 'hard'
      ? 'Your personal data (name and email address) has been erased. We keep only a record, without personal data, that this deletion took place.'
      : 'Your data is no longer used. It is kept only as long as the law and our retention policy require, and then removed.';

  const text = [
    name ? `Hello ${name},` : 'Hello,',
    '',
    what,
    '',
    'What was deleted:',
    ...items.map((item) => `- ${item}`),
    '',
    retention,
    '',
    `Deletion reference: ${input.requestId}`,
    'If you did not expect this, contact support and quote this reference.',
  ].join('\n');
  return { subject, text };
}

export interface RestoreNoticeInput {
  /** The customer's name (the person addressed), from the table. */
  recipientName: string;
  customerId: string;
  /** When the restore was accepted (the event's occurredAt), ISO-8601. */
  restoredAt: string;
  requestId: string;
}

/** The "restored" notice of a restore's email step: the account and its logins are back; devices and sessions are not. */
export function renderRestoreNotice(input: RestoreNoticeInput): DeletionNotice {
  const when = formatNoticeDate(input.restoredAt);
  const name = cleanName(input.recipientName);
  const account = name ? `"${name}" (ID ${input.customerId})` : `ID ${input.customerId}`;
  const text = [
    name ? `Hello ${name},` : 'Hello,',
    '',
    `Your customer account ${account} was restored on ${when}. It is no longer scheduled for removal.`,
    '',
    'What is back:',
    '- the customer account and its logins: you can sign in again',
    '',
    'What is not:',
    '- devices registered before the deletion stay revoked: register them again',
    '- VPN sessions ended by the deletion stay ended: connect again',
    '',
    `Restore reference: ${input.requestId}`,
    'If you did not expect this, contact support and quote this reference.',
  ].join('\n');
  return { subject: 'Your customer account has been restored', text };
}

export interface PurgeNoticeInput {
  /** The customer's name (the person addressed), as the purge read it before erasing it. */
  recipientName: string;
  customerId: string;
  /** When the purge was accepted (the event's occurredAt), ISO-8601. */
  purgedAt: string;
  requestId: string;
}

/** The notice of a purge's email step: the personal data that a soft delete kept has now been erased, for good. */
export function renderPurgeNotice(input: PurgeNoticeInput): DeletionNotice {
  const when = formatNoticeDate(input.purgedAt);
  const name = cleanName(input.recipientName);
  const account = name ? `"${name}" (ID ${input.customerId})` : `ID ${input.customerId}`;
  const text = [
    name ? `Hello ${name},` : 'Hello,',
    '',
    `The personal data of your deleted customer account ${account} was erased on ${when}.`,
    '',
    'What was erased:',
    '- the name and email address of the customer account',
    '- the names and email addresses of its logins',
    '',
    'The account can no longer be restored. We keep only a record, without personal data, that this deletion took place.',
    'This is the last message we send to this address.',
    '',
    `Deletion reference: ${input.requestId}`,
    'If you did not expect this, contact support and quote this reference.',
  ].join('\n');
  return { subject: 'Your personal data has been erased', text };
}
