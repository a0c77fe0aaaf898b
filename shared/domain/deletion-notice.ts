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

/** The account as a notice names it: `"Acme" (ID c-1)`, or `ID c-1` without a usable name. */
function accountLabel(name: string, customerId: string): string {
  return name ? `"${name}" (ID ${customerId})` : `ID ${customerId}`;
}

/** A titled list: `What was deleted:` then one `- item` line each. */
function section(title: string, items: readonly string[]): string[] {
  return [title, ...items.map((item) => `- ${item}`)];
}

/**
 * The frame every notice shares: the greeting (by the cleaned name, when there is one), the
 * notice's own paragraphs, and the reference to quote to support; a blank line between each.
 */
function noticeText(name: string, paragraphs: readonly (string | readonly string[])[], reference: string): string {
  const greeting = name ? `Hello ${name},` : 'Hello,';
  const closing = [reference, 'If you did not expect this, contact support and quote this reference.'];
  return [greeting, ...paragraphs, closing].map((paragraph) => (typeof paragraph === 'string' ? paragraph : paragraph.join('\n'))).join('\n\n');
}

export function renderDeletionNotice(input: DeletionNoticeInput): DeletionNotice {
  const when = formatNoticeDate(input.deletedAt);
  const name = cleanName(input.recipientName);
  const customerName = cleanName(input.customerName);
  const account = accountLabel(customerName, input.subject.customerId);
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

  const text = noticeText(name, [what, section('What was deleted:', items), retention], `Deletion reference: ${input.requestId}`);
  return { subject, text };
}

/** What the restore and purge notices share: both address the customer itself, about its account. */
export interface CustomerNoticeInput {
  /** The customer's name (the person addressed): from the table for a restore; for a purge, as it read it before erasing it. */
  recipientName: string;
  customerId: string;
  requestId: string;
}

export interface RestoreNoticeInput extends CustomerNoticeInput {
  /** When the restore was accepted (the event's occurredAt), ISO-8601. */
  restoredAt: string;
}

export interface PurgeNoticeInput extends CustomerNoticeInput {
  /** When the purge was accepted (the event's occurredAt), ISO-8601. */
  purgedAt: string;
}

/** A notice to the customer itself: what it says, given the account's label and the date; and the reference to quote. */
interface CustomerNoticeSpec {
  subject: string;
  referenceLabel: 'Restore' | 'Deletion';
  body: (account: string, when: string) => readonly (string | readonly string[])[];
}

/** The frame of a notice to the customer, with the spec's paragraphs about its account at `at`. */
function renderCustomerNotice(spec: CustomerNoticeSpec, input: CustomerNoticeInput, at: string): DeletionNotice {
  const when = formatNoticeDate(at);
  const name = cleanName(input.recipientName);
  const text = noticeText(name, spec.body(accountLabel(name, input.customerId), when), `${spec.referenceLabel} reference: ${input.requestId}`);
  return { subject: spec.subject, text };
}

/** The "restored" notice of a restore's email step: the account and its logins are back; devices and sessions are not. */
const RESTORE_NOTICE: CustomerNoticeSpec = {
  subject: 'Your customer account has been restored',
  referenceLabel: 'Restore',
  body: (account, when) => [
    `Your customer account ${account} was restored on ${when}. It is no longer scheduled for removal.`,
    section('What is back:', ['the customer account and its logins: you can sign in again']),
    section('What is not:', ['devices registered before the deletion stay revoked: register them again', 'VPN sessions ended by the deletion stay ended: connect again']),
  ],
};

/** The notice of a purge's email step: the personal data that a soft delete kept has now been erased, for good. */
const PURGE_NOTICE: CustomerNoticeSpec = {
  subject: 'Your personal data has been erased',
  referenceLabel: 'Deletion',
  body: (account, when) => [
    `The personal data of your deleted customer account ${account} was erased on ${when}.`,
    section('What was erased:', ['the name and email address of the customer account', 'the names and email addresses of its logins']),
    ['The account can no longer be restored. We keep only a record, without personal data, that this deletion took place.', 'This is the last message we send to this address.'],
  ],
};

export function renderRestoreNotice(input: RestoreNoticeInput): DeletionNotice {
  return renderCustomerNotice(RESTORE_NOTICE, input, input.restoredAt);
}

export function renderPurgeNotice(input: PurgeNoticeInput): DeletionNotice {
  return renderCustomerNotice(PURGE_NOTICE, input, input.purgedAt);
}
