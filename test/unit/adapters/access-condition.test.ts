import { constraintCondition, withConstraint } from '../../../shared/adapters/dynamodb/access-condition';

/** The translator, checked by eye; DynamoDB Local checks what the expressions mean (authorization-contract.test.ts). */

describe('constraintCondition', () => {
  it('asks nothing for "any"', () => {
    expect(constraintCondition({ kind: 'any' })).toBeUndefined();
  });

  it('turns "parent-is" into a condition on parentId', () => {
    expect(constraintCondition({ kind: 'parent-is', accountId: 'reseller-1' })).toEqual({
      expression: '#accessParentId = :accessAccount',
      names: { '#accessParentId': 'parentId' },
      values: { ':accessAccount': 'reseller-1' },
    });
  });

  it('turns "self-or-child-of" into a condition on id or parentId', () => {
    expect(constraintCondition({ kind: 'self-or-child-of', accountId: 'acct-1' })).toEqual({
      expression: '(#accessId = :accessAccount OR #accessParentId = :accessAccount)',
      names: { '#accessId': 'id', '#accessParentId': 'parentId' },
      values: { ':accessAccount': 'acct-1' },
    });
  });
});

describe('withConstraint', () => {
  it('ANDs the fragment onto the base condition and binds its placeholders', () => {
    // Prepare
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':active': 'ACTIVE' };
    // Act
    const expression = withConstraint('#status = :active', names, values, { kind: 'parent-is', accountId: 'reseller-1' });
    // Assess
    expect(expression).toBe('#status = :active AND #accessParentId = :accessAccount');
    expect(names).toEqual({ '#status': 'status', '#accessParentId': 'parentId' });
    expect(values).toEqual({ ':active': 'ACTIVE', ':accessAccount': 'reseller-1' });
  });

  it('leaves the base condition as it is for "any"', () => {
    const names = { '#status': 'status' };
    const values = { ':active': 'ACTIVE' };
    expect(withConstraint('#status = :active', names, values, { kind: 'any' })).toBe('#status = :active');
    expect(names).toEqual({ '#status': 'status' });
    expect(values).toEqual({ ':active': 'ACTIVE' });
  });

  it('refuses a placeholder the caller already binds to something else', () => {
    expect(() => withConstraint('x', {}, { ':accessAccount': 'other' }, { kind: 'parent-is', accountId: 'reseller-1' })).toThrow(/:accessAccount/);
    expect(() => withConstraint('x', { '#accessId': 'name' }, {}, { kind: 'self-or-child-of', accountId: 'a' })).toThrow(/#accessId/);
  });
});
