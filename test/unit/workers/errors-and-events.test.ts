import { isPermanent, MissingRecipientError, VpnGatewayError } from '../../../shared/domain/cascade-errors';
import { parseConsumerEvent, recoverRequestId } from '../../../shared/workers/event';
import { mapWithConcurrency } from '../../../shared/workers/concurrency';
import { cascadeEventFactory } from '../../fixtures/cascade-events';

describe('isPermanent', () => {
  it('knows permanent errors from transient ones', () => {
    // Act / Assess
    expect([isPermanent(new MissingRecipientError()), isPermanent(new VpnGatewayError('down')), isPermanent(new Error('x'))]).toEqual([true, false, false]);
  });
});

describe('parseConsumerEvent', () => {
  it('accepts a v1 event whose type matches its subject', () => {
    // Prepare
    const event = cascadeEventFactory({ subject: { type: 'user', customerId: 'c-1', userId: 'u-1' } });

    // Act / Assess
    expect(parseConsumerEvent(JSON.stringify(event))).toEqual(event);
  });

  it('names what is wrong without echoing the values', () => {
    // Prepare
    const body = JSON.stringify({ ...cascadeEventFactory(), recipient: { email: 'not-an-address bob', name: 'Bob' } });

    // Act / Assess
    expect(() => parseConsumerEvent(body)).toThrow(/^Unrecognised cascade event: recipient\.email/);
    expect(() => parseConsumerEvent(body)).not.toThrow(/bob/i);
  });
});

describe('recoverRequestId', () => {
  it.each([
    ['{"requestId":"6f1c1f8e-6d3a-4d55-9b3e-0f6d8f2b7a10","eventVersion":9}', '6f1c1f8e-6d3a-4d55-9b3e-0f6d8f2b7a10'],
    ['{"requestId":"REQUEST#x"}', undefined],
    ['[1,2]', undefined],
    ['null', undefined],
    ['{{', undefined],
  ])('%s → %s', (body, expected) => {
    // Act / Assess
    expect(recoverRequestId(body)).toBe(expected);
  });
});

describe('mapWithConcurrency', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    // Prepare
    let running = 0;
    let peak = 0;

    // Act
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running -= 1;
      return n * 10;
    });

    // Assess
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
