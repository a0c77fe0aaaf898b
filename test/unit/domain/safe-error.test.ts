import { MailDeliveryError, MissingRecipientError, VpnGatewayError } from '../../../shared/domain/cascade-errors';
import { DependencyUnavailableError } from '../../../shared/domain/errors';
import { cleanName, describeError, errorName, faultFields, MAX_LAST_ERROR_LENGTH, MAX_NAME_LENGTH, safeErrorText } from '../../../shared/domain/safe-error';

describe('safeErrorText (what may be stored and shown as a step error)', () => {
  it('keeps one bounded line', () => {
    // Act
    const text = safeErrorText(`first line\r\nsecond\tline ${'x'.repeat(500)}`);

    // Assess
    expect(text).not.toMatch(/[\r\n\t]/);
    expect(text.length).toBeLessThanOrEqual(MAX_LAST_ERROR_LENGTH);
    expect(text.startsWith('first line second line')).toBe(true);
  });

  it('redacts anything that looks like an email address', () => {
    // Act / Assess
    expect(safeErrorText('Email address is not verified: alice@customer.example')).toBe('Email address is not verified: [redacted]');
  });

  it('removes control characters (escapes, DEL) and says something when nothing is left', () => {
    // Act / Assess
    expect(safeErrorText('\u001b[31mred\u007f alert\u0000')).toBe('[31mred alert');
    expect(safeErrorText(' \u0000\r\n ')).toBe('Unknown error');
  });
});

describe('cleanName (a name from customer data, in a notice)', () => {
  it('keeps a name on one printable line', () => {
    // Act / Assess
    expect(cleanName('Alice\r\nBcc: someone')).toBe('Alice Bcc: someone');
    expect(cleanName(' Acme\u0000\u001b Ltd\u007f ')).toBe('Acme Ltd');
  });

  it('bounds a long name and leaves an absent one empty', () => {
    // Act
    const long = cleanName('n'.repeat(500));

    // Assess
    expect(long).toHaveLength(MAX_NAME_LENGTH);
    expect(long.endsWith('…')).toBe(true);
    expect(cleanName('n'.repeat(MAX_NAME_LENGTH))).toBe('n'.repeat(MAX_NAME_LENGTH));
    expect([cleanName(undefined), cleanName('  ')]).toEqual(['', '']);
  });

  it('does not redact: a name is meant to be shown (unlike an error text)', () => {
    // Act / Assess
    expect(cleanName('pat@example.com')).toBe('pat@example.com');
  });
});

describe('errorName (an error class name, never its message)', () => {
  it.each([
    [Object.assign(new Error('throttled'), { name: 'ThrottlingException' }), 'ThrottlingException'],
    [new TypeError('x'), 'TypeError'],
    [new Error('x'), 'Error'],
    [Object.assign(new Error('x'), { name: 'has spaces and: punctuation' }), undefined],
    [Object.assign(new Error('x'), { name: 'N'.repeat(65) }), undefined],
    ['a thrown string', undefined],
    [undefined, undefined],
    [null, undefined],
  ])('%p → %p', (error, expected) => {
    // Act / Assess
    expect(errorName(error)).toBe(expected);
  });
});

describe('faultFields (what an unexpected fault may put in a log)', () => {
  it('keeps the class and the frames, and drops the message and the properties', () => {
    const error = Object.assign(new TypeError('item {"email":"pat@example.com"} is invalid'), { Item: { email: 'pat@example.com' } });
    const fields = faultFields(error);
    expect(fields.errorName).toBe('TypeError');
    expect(fields.frames).toContain('at ');
    expect(JSON.stringify(fields)).not.toContain('pat@example.com');
  });

  it('names neither a thrown value nor a name that is not a class name', () => {
    // Act / Assess
    expect(faultFields('pat@example.com is invalid')).toEqual({ errorName: 'string', frames: '' });
    expect(faultFields(Object.assign(new Error('x'), { name: 'pat@example.com' })).errorName).toBe('object');
  });
});

describe('describeError (what a cascade step may store and log of an error)', () => {
  it.each([
    [new MissingRecipientError(), 'No recipient address for the deleted subject'],
    [new VpnGatewayError('VPN gateway unavailable'), 'VPN gateway unavailable'],
    [Object.assign(new Error('User: arn:aws:sts::123:assumed-role/x is not authorized'), { name: 'AccessDeniedException' }), 'Unexpected error (AccessDeniedException)'],
    [new Error('bob@customer.example at Object.<anonymous> (/var/task/index.js:1:1)'), 'Unexpected error'],
    ['a thrown string', 'Unexpected error'],
    [Object.assign(new Error('x'), { name: 'has spaces and: punctuation' }), 'Unexpected error'],
    // A system error names its code and call, never its path (which may hold an address or a name).
    [Object.assign(new Error("ENOTDIR: not a directory, open '/mail/bob@customer.example.eml'"), { code: 'ENOTDIR', syscall: 'open', path: '/mail/bob@customer.example.eml' }), 'Unexpected error (ENOTDIR on open)'],
    [Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), 'Unexpected error (ECONNREFUSED)'],
    [Object.assign(new Error('x'), { code: 'not a code: bob@customer.example' }), 'Unexpected error'],
    // An outage of a dependency says which, and its cause's class.
    [new DependencyUnavailableError('dynamodb', { cause: Object.assign(new Error('Rate exceeded for bob'), { name: 'ThrottlingException' }) }), 'dynamodb unavailable (ThrottlingException)'],
    [new DependencyUnavailableError('dynamodb', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }), 'dynamodb unavailable (ECONNREFUSED)'],
  ])('%p → %s', (error, expected) => {
    // Act / Assess
    expect(describeError(error)).toBe(expected);
  });

  it("makes a cascade error's own message safe to store", () => {
    // Act / Assess
    expect(describeError(new MailDeliveryError('rejected: bob@customer.example\nretry', false))).toBe('rejected: [redacted] retry');
  });
});
