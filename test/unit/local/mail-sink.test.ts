import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailSinkSender, renderEml } from '../../../shared/adapters/mail/mail-sink';
import { outgoingMail } from './factories';

const sentAt = new Date(Date.UTC(2026, 10, 22, 7, 30, 0));

describe('renderEml', () => {
  it('renders headers, a blank line and the body, every line ending in CRLF', () => {
    // Prepare
    const mail = outgoingMail({ dedupeId: 'evt-1', text: 'Line one\nLine two\r\nLine three' });

    // Act
    const eml = renderEml(mail, sentAt);

    // Assess
    expect(eml.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const [head, body] = eml.split('\r\n\r\n');
    expect(head!.split('\r\n')).toEqual([
      'From: Customer Deletion <no-reply@customer-deletion.local>',
      'To: alice@customer.example',
      'Subject: Your account has been deleted',
      'Date: Sun, 22 Nov 2026 07:30:00 +0000',
      'Message-ID: <evt-1@customer-deletion.local>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
    ]);
    expect(body).toBe('Line one\r\nLine two\r\nLine three\r\n');
  });

  it('encodes a non-ASCII subject as an RFC 2047 word', () => {
    const eml = renderEml(outgoingMail({ subject: 'Compte supprimé' }), sentAt);

    expect(eml).toContain(`Subject: =?UTF-8?B?${Buffer.from('Compte supprimé').toString('base64')}?=\r\n`);
  });

  it.each([
    ['Subject', { subject: 'Deleted\r\nBcc: everyone@evil.example' }],
    ['To', { to: 'alice@customer.example\nBcc: everyone@evil.example' }],
    ['From', { from: 'x@local\rBcc: everyone@evil.example' }],
  ])('refuses a line break in the %s header (header injection)', (name, overrides) => {
    expect(() => renderEml(outgoingMail(overrides), sentAt)).toThrow(`Mail header ${name} contains a line break`);
  });

  it('keeps only safe characters of the dedupe id in the Message-ID', () => {
    const eml = renderEml(outgoingMail({ dedupeId: 'evt<1>@x y' }), sentAt);

    expect(eml).toContain('Message-ID: <evt1xy@customer-deletion.local>\r\n');
  });
});

describe('MailSinkSender', () => {
  let dir: string;

  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'mail-sink-test-')), 'mail');
  });

  afterEach(() => {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('writes one .eml file per message, creating the directory', async () => {
    const sender = new MailSinkSender(dir, () => sentAt);

    await sender.send(outgoingMail({ dedupeId: 'evt-1' }));
    await sender.send(outgoingMail({ dedupeId: 'evt-2' }));

    expect(readdirSync(dir).sort()).toEqual(['evt-1.eml', 'evt-2.eml']);
    expect(readFileSync(join(dir, 'evt-1.eml'), 'utf8')).toBe(renderEml(outgoingMail({ dedupeId: 'evt-1' }), sentAt));
  });

  it('writes a message once however often it is sent with the same dedupe id', async () => {
    // Prepare
    const sender = new MailSinkSender(dir, () => sentAt);
    const first = outgoingMail({ dedupeId: 'evt-dup', subject: 'First' });

    // Act
    await sender.send(first);
    await sender.send({ ...first, subject: 'Second' });
    await Promise.all([sender.send({ ...first, subject: 'Third' }), sender.send({ ...first, subject: 'Fourth' })]);

    // Assess
    expect(readdirSync(dir)).toEqual(['evt-dup.eml']);
    expect(readFileSync(join(dir, 'evt-dup.eml'), 'utf8')).toContain('Subject: First\r\n');
  });

  it('keeps a hostile dedupe id inside the sink directory', async () => {
    const sender = new MailSinkSender(dir, () => sentAt);

    await sender.send(outgoingMail({ dedupeId: '../../escape' }));

    expect(readdirSync(dir)).toEqual(['.._.._escape.eml']);
    expect(readdirSync(join(dir, '..'))).toEqual(['mail']);
  });
});
