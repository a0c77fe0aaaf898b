import { streamConsumers } from '../../../infra/catalog';
import { passesFilter } from '../../../infra/local/stream-poller';
import { streamRecord } from './factories';

describe('passesFilter (the catalog stream consumer filter, as Lambda applies it)', () => {
  const filter = { eventNames: ['INSERT'] as const, partitionKeyPrefix: 'OUTBOX#' as const };

  it('lets through an INSERT under the partition key prefix', () => {
    expect(passesFilter(streamRecord({ eventName: 'INSERT', pk: 'OUTBOX#req-1' }), filter)).toBe(true);
  });

  it.each([
    ['a MODIFY', streamRecord({ eventName: 'MODIFY', pk: 'OUTBOX#req-1' })],
    ['a REMOVE', streamRecord({ eventName: 'REMOVE', pk: 'OUTBOX#req-1' })],
    ['another partition', streamRecord({ eventName: 'INSERT', pk: 'CUSTOMER#cust-1' })],
    ['a prefix in the middle', streamRecord({ eventName: 'INSERT', pk: 'X#OUTBOX#req-1' })],
    ['a record without keys', streamRecord({ eventName: 'INSERT' })],
  ])('drops %s', (_label, record) => {
    expect(passesFilter(record, filter)).toBe(false);
  });

  it('applies the outbox relay filter the catalog declares', () => {
    const relay = streamConsumers.find((f) => f.name === 'outbox-relay');

    expect(relay).toBeDefined();
    expect(passesFilter(streamRecord({ eventName: 'INSERT', pk: 'OUTBOX#r' }), relay!.filter)).toBe(true);
    expect(passesFilter(streamRecord({ eventName: 'MODIFY', pk: 'OUTBOX#r' }), relay!.filter)).toBe(false);
  });
});
