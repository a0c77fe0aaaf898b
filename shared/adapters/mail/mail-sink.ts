import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MailSender, OutgoingMail } from '../../workers/ports';

/** RFC 2047 encoded-word for a header value that is not plain ASCII. */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** RFC 5322 date-time, e.g. `Sun, 22 Nov 2026 07:30:00 +0000`. */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function assertHeaderSafe(name: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new Error(`Mail header ${name} contains a line break`);
}

/** Renders a plain-text message as an RFC 5322 document with CRLF line endings. */
export function renderEml(mail: OutgoingMail, date: Date): string {
  for (const [name, value] of [['From', mail.from], ['To', mail.to], ['Subject', mail.subject]] as const) assertHeaderSafe(name, value);
  const safeId = mail.dedupeId.replace(/[^A-Za-z0-9._-]/g, '');
  const headers = [
    `From: ${mail.from}`,
    `To: ${mail.to}`,
    `Subject: ${encodeHeader(mail.subject)}`,
    `Date: ${rfc5322Date(date)}`,
    `Message-ID: <${safeId}@customer-deletion.local>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  // Plain 8-bit text keeps the file readable in any editor; the notices are short lines.
  const body = mail.text.replace(/\r?\n/g, '\r\n');
  return `${headers.join('\r\n')}\r\n\r\n${body}\r\n`;
}

/**
 * The local stack's mail transport: each message becomes one `.eml` file. The file name comes from
 * the message's dedupe id and is created exclusively, so a duplicate send writes nothing.
 */
export class MailSinkSender implements MailSender {
  constructor(private readonly directory: string, private readonly now: () => Date = () => new Date()) {}

  async send(mail: OutgoingMail): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const fileName = `${mail.dedupeId.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`;
    try {
      await writeFile(join(this.directory, fileName), renderEml(mail, this.now()), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
