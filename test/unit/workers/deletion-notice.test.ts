import { formatNoticeDate, renderDeletionNotice, renderPurgeNotice, renderRestoreNotice, type DeletionNoticeInput } from '../../../shared/domain/deletion-notice';

const base: DeletionNoticeInput = {
  recipientName: 'Alice Martin',
  subject: { type: 'customer', customerId: 'cust-1001' },
  mode: 'soft',
  deletedAt: '2026-11-22T07:30:00.000Z',
  requestId: '6f1c1f8e-6d3a-4d55-9b3e-0f6d8f2b7a10',
};

describe('renderDeletionNotice', () => {
  it('renders the customer deletion notice: subject line, name, what, when and the reference', () => {
    // Act
    const notice = renderDeletionNotice({ ...base, customerName: 'Alice Martin' });

    // Assess
    expect(notice.subject).toBe('Your customer account has been deleted');
    expect(notice.text).toBe(
      [
        'Hello Alice Martin,',
        '',
        'Your customer account "Alice Martin" (ID cust-1001) was deleted on 22 November 2026 at 07:30 UTC.',
        '',
        'What was deleted:',
        '- the customer account and its logins: no one can sign in to it any more',
        '- every device registered to the account: revoked, it can no longer connect',
        '- every active VPN session of the account: ended',
        '',
        'Your data is no longer used. It is kept only as long as the law and our retention policy require, and then removed.',
        '',
        'Deletion reference: 6f1c1f8e-6d3a-4d55-9b3e-0f6d8f2b7a10',
        'If you did not expect this, contact support and quote this reference.',
      ].join('\n'),
    );
  });

  it('says that personal data was erased for a hard delete', () => {
    // Act
    const notice = renderDeletionNotice({ ...base, mode: 'hard', customerName: 'Alice Martin' });

    // Assess
    expect(notice.text).toContain('Your personal data (name and email address) has been erased.');
    expect(notice.text).not.toContain('retention policy');
  });

  it('renders a user deletion with the user id and the customer account it belonged to', () => {
    // Act
    const notice = renderDeletionNotice({
      ...base,
      recipientName: 'Sam Martin',
      customerName: 'Alice Martin',
      subject: { type: 'user', customerId: 'cust-1001', userId: 'user-alice-kid' },
    });

    // Assess
    expect(notice.subject).toBe('Your user login has been deleted');
    expect(notice.text).toContain('Hello Sam Martin,');
    expect(notice.text).toContain('Your user login (ID user-alice-kid) of the customer account "Alice Martin" (ID cust-1001) was deleted on 22 November 2026 at 07:30 UTC.');
    expect(notice.text).toContain('- every device registered to your login: revoked, it can no longer connect');
  });

  it('leaves out a customer name it does not know, and greets without a name it does not have', () => {
    // Act
    const notice = renderDeletionNotice({ ...base, recipientName: '  ', subject: { type: 'user', customerId: 'cust-1001', userId: 'u-1' } });

    // Assess
    expect(notice.text.startsWith('Hello,\n')).toBe(true);
    expect(notice.text).toContain('of the customer account ID cust-1001 was deleted');
  });

  it('keeps a name with line breaks on one line (no header or body injection)', () => {
    // Act
    const notice = renderDeletionNotice({ ...base, recipientName: 'Alice\r\nBcc: someone', customerName: 'Acme\nLtd' });

    // Assess
    expect(notice.text.split('\n')[0]).toBe('Hello Alice Bcc: someone,');
    expect(notice.text).toContain('"Acme Ltd"');
    expect(notice.subject).not.toMatch(/[\r\n]/);
  });
});

describe('formatNoticeDate', () => {
  it.each([
    ['2026-01-05T00:05:00Z', '5 January 2026 at 00:05 UTC'],
    ['2026-12-31T23:59:59.999+00:00', '31 December 2026 at 23:59 UTC'],
    ['2026-06-30T22:30:00-02:00', '1 July 2026 at 00:30 UTC'],
  ])('%s → %s', (iso, expected) => {
    // Act / Assess
    expect(formatNoticeDate(iso)).toBe(expected);
  });

  it('refuses what is not a date', () => {
    // Act / Assess
    expect(() => formatNoticeDate('yesterday')).toThrow(RangeError);
  });
});

describe('renderRestoreNotice', () => {
  it('renders the "restored" notice: the account and logins are back, devices and sessions are not', () => {
    // Act
    const notice = renderRestoreNotice({ recipientName: 'Alice Martin', customerId: 'cust-1001', restoredAt: '2026-11-23T09:05:00.000Z', requestId: 'req-1' });

    // Assess
    expect(notice.subject).toBe('Your customer account has been restored');
    expect(notice.text).toBe(
      [
        'Hello Alice Martin,',
        '',
        'Your customer account "Alice Martin" (ID cust-1001) was restored on 23 November 2026 at 09:05 UTC. It is no longer scheduled for removal.',
        '',
        'What is back:',
        '- the customer account and its logins: you can sign in again',
        '',
        'What is not:',
        '- devices registered before the deletion stay revoked: register them again',
        '- VPN sessions ended by the deletion stay ended: connect again',
        '',
        'Restore reference: req-1',
        'If you did not expect this, contact support and quote this reference.',
      ].join('\n'),
    );
  });

  it('keeps a hostile name to one clean line, and greets without a name when there is none', () => {
    expect(renderRestoreNotice({ recipientName: 'Eve\r\nBcc: x@evil.example', customerId: 'c-1', restoredAt: '2026-11-23T09:05:00.000Z', requestId: 'r' }).text).not.toMatch(/\r|\nBcc/);
    expect(renderRestoreNotice({ recipientName: '', customerId: 'c-1', restoredAt: '2026-11-23T09:05:00.000Z', requestId: 'r' }).text).toMatch(/^Hello,\n\nYour customer account ID c-1 was restored/);
  });
});

describe('renderPurgeNotice', () => {
  it('says the personal data is now erased, for good, with when and the reference', () => {
    // Act
    const notice = renderPurgeNotice({ recipientName: 'Alice Martin', customerId: 'cust-1001', purgedAt: '2026-12-22T07:30:00.000Z', requestId: '6f1c1f8e-6d3a-4d55-9b3e-0f6d8f2b7a10' });

    // Assess
    expect(notice.subject).toBe('Your personal data has been erased');
    expect(notice.text).toBe(
      [
        'Hello Alice Martin,',
        '',
        'The personal data of your deleted customer account "Alice Martin" (ID cust-1001) was erased on 22 December 2026 at 07:30 UTC.',
        '',
        'What was erased:',
        '- the name and email address of the customer account',
        '- the names and email addresses of its logins',
        '',
        'The account can no longer be restored. We keep only a record, without personal data, that this deletion took place.',
        'This is the last message we send to this address.',
        '',
        'Deletion reference: 6f1c1f8e-6d3a-4d55-9b3e-0f6d8f2b7a10',
        'If you did not expect this, contact support and quote this reference.',
      ].join('\n'),
    );
  });

  it('greets without a name it does not have, and keeps a name on one line', () => {
    expect(renderPurgeNotice({ recipientName: ' ', customerId: 'c-1', purgedAt: '2026-12-22T07:30:00.000Z', requestId: 'r' }).text).toMatch(/^Hello,\n\nThe personal data of your deleted customer account ID c-1 was erased/);
    expect(renderPurgeNotice({ recipientName: 'A\r\nBcc: x', customerId: 'c-1', purgedAt: '2026-12-22T07:30:00.000Z', requestId: 'r' }).text.split('\n')[0]).toBe('Hello A Bcc: x,');
  });
});
