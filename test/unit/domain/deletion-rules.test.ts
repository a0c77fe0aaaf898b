import { blockersFor, customerDeletionRefusal, MAX_BLOCKERS, subCustomerRoom, userDeletionRefusal, type CustomerState } from '../../../shared/domain/deletion-rules';
import { actorFactory } from '../../fixtures/actors';

function customerFactory(overrides: Partial<CustomerState> = {}): CustomerState {
  return { id: 'c-1', parentId: 'reseller-1', status: 'ACTIVE', activeSubscriptions: 0, liveChildren: 0, ...overrides };
}

describe('customerDeletionRefusal', () => {
  const reseller = actorFactory();

  it('allows an active, unblocked, managed customer', () => {
    expect(customerDeletionRefusal(reseller, customerFactory(), 'soft')).toBeUndefined();
  });

  it.each([
    ['absent', undefined],
    ['already deleted', customerFactory({ status: 'DELETED' })],
    ['purged', customerFactory({ status: 'PURGED' })],
  ])('is 404 when the customer is %s', (_label, customer) => {
    expect(customerDeletionRefusal(reseller, customer, 'soft')).toEqual({ outcome: 'NOT_FOUND', kind: 'customer' });
  });

  it('says 404 before 403: a deleted customer of another reseller is not found', () => {
    expect(customerDeletionRefusal(reseller, customerFactory({ status: 'DELETED', parentId: 'other' }), 'soft')?.outcome).toBe('NOT_FOUND');
  });

  it('says 403 before 409: a blocked customer of another reseller is denied', () => {
    const refusal = customerDeletionRefusal(reseller, customerFactory({ parentId: 'other', activeSubscriptions: 3 }), 'soft');
    expect(refusal).toEqual({ outcome: 'DENIED', code: 'NOT_MANAGED', message: expect.any(String) });
  });

  it('is 409 with what blocks it', () => {
    expect(customerDeletionRefusal(reseller, customerFactory({ activeSubscriptions: 1, liveChildren: 2 }), 'soft')).toEqual({
      outcome: 'CONFLICT',
      activeSubscriptions: 1,
      liveChildren: 2,
    });
  });
});

describe('userDeletionRefusal', () => {
  const requestor = actorFactory({ accountId: 'reseller-1', scopes: ['users:delete'] });
  const user = { id: 'u-1', customerId: 'c-1', status: 'ACTIVE' as const };

  it('allows an active user of a direct sub-customer', () => {
    expect(userDeletionRefusal(requestor, customerFactory(), user, 'c-1')).toBeUndefined();
  });

  it('is CUSTOMER not found for an absent or deleted customer', () => {
    expect(userDeletionRefusal(requestor, undefined, user, 'c-1')).toEqual({ outcome: 'NOT_FOUND', kind: 'customer' });
    expect(userDeletionRefusal(requestor, customerFactory({ status: 'DELETED' }), user, 'c-1')).toEqual({ outcome: 'NOT_FOUND', kind: 'customer' });
  });

  it('is not eligible before revealing whether the user exists', () => {
    expect(userDeletionRefusal(requestor, customerFactory({ parentId: 'someone-else' }), undefined, 'c-1')?.outcome).toBe('DENIED');
  });

  it.each([
    ['absent', undefined],
    ['already deleted', { ...user, status: 'DELETED' as const }],
    ['under another customer', { ...user, customerId: 'c-2' }],
  ])('is USER not found when the user is %s', (_label, candidate) => {
    expect(userDeletionRefusal(requestor, customerFactory(), candidate, 'c-1')).toEqual({ outcome: 'NOT_FOUND', kind: 'user' });
  });
});

describe('blockersFor', () => {
  it('lists subscriptions first, then each live sub-customer, and counts them', () => {
    expect(blockersFor({ activeSubscriptions: 2, liveChildren: 2 }, ['sub-a', 'sub-b'])).toEqual({
      blockers: [
        { type: 'activeSubscription', id: 'subscriptions', detail: '2 active subscription(s)' },
        { type: 'subCustomer', id: 'sub-a', detail: 'sub-customer is not deleted' },
        { type: 'subCustomer', id: 'sub-b', detail: 'sub-customer is not deleted' },
      ],
      total: 3,
    });
    expect(blockersFor({ activeSubscriptions: 0, liveChildren: 0 }, [])).toEqual({ blockers: [], total: 0 });
  });

  it('puts a legal hold first', () => {
    expect(blockersFor({ activeSubscriptions: 1, liveChildren: 0, onLegalHold: true }, [])).toEqual({
      blockers: [
        { type: 'legalHold', detail: 'a legal hold is placed on the customer' },
        { type: 'activeSubscription', id: 'subscriptions', detail: '1 active subscription(s)' },
      ],
      total: 2,
    });
  });

  it('lists at most 100 and counts every live sub-customer from the counter, not from the list', () => {
    // Prepare
    const ids = Array.from({ length: 150 }, (_, i) => `child-${i}`);

    // Act
    const { blockers, total } = blockersFor({ activeSubscriptions: 3, liveChildren: 50_000, onLegalHold: true }, ids);

    // Assess
    expect(blockers).toHaveLength(MAX_BLOCKERS);
    expect(blockers.slice(0, 3).map((b) => b.type)).toEqual(['legalHold', 'activeSubscription', 'subCustomer']);
    expect(total).toBe(1 + 1 + 50_000);
  });
});

describe('subCustomerRoom', () => {
  it.each([
    [{ activeSubscriptions: 0 }, 100],
    [{ activeSubscriptions: 2 }, 99],
    [{ activeSubscriptions: 2, onLegalHold: true }, 98],
  ])('%o leaves room for %i sub-customers', (customer, room) => {
    expect(subCustomerRoom(customer)).toBe(room);
  });
});
