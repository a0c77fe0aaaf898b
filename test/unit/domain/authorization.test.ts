import {
  canReadRequest,
  decideCustomerDeletion,
  decideCustomerDeletionByClaims,
  decideCustomerRestore,
  decideCustomerRestoreByClaims,
  decideLegalHold,
  decidePurge,
  decidePurgeByClaims,
  decideUserDeletion,
  decideUserDeletionByClaims,
  satisfies,
  type TargetConstraint,
} from '../../../shared/domain/authorization';
import { actorFactory } from '../../fixtures/actors';
import {
  HOLD_DECISIONS,
  PURGE_DECISIONS,
  RESTORE_DECISIONS,
  scopeList,
  V1_ACTOR_ACCOUNT,
  V1_DECISIONS,
  V2_ACTOR_ACCOUNT,
  V2_CUSTOMERS,
  V2_DECISIONS,
} from '../../fixtures/decision-tables';

describe('decideCustomerDeletion (the v1 table)', () => {
  it.each(V1_DECISIONS)('%s [%s] deleting a customer under %s, %s → %s', (role, scopes, targetParent, mode, expected) => {
    // Prepare
    const actor = actorFactory({ role, scopes: scopeList(scopes), accountId: V1_ACTOR_ACCOUNT });
    // Act
    const decision = decideCustomerDeletion(actor, { id: 'target', parentId: targetParent }, mode);
    // Assess
    expect(decision.allowed ? 'ALLOW' : decision.code).toBe(expected);
    expect(decision.allowed ? 'allowed' : decision.message).not.toBe('');
  });
});

describe('decideUserDeletion (the v2 table)', () => {
  it.each(V2_DECISIONS)('%s [%s] deleting a user of %s → %s', (role, scopes, customerId, expected) => {
    const actor = actorFactory({ role, scopes: scopeList(scopes), accountId: V2_ACTOR_ACCOUNT });
    const decision = decideUserDeletion(actor, { id: customerId, parentId: V2_CUSTOMERS[customerId]! });
    expect(decision.allowed ? 'ALLOW' : decision.code).toBe(expected);
  });
});

describe('the constraint the claims give', () => {
  it.each([
    ['ADMIN', 'soft', { kind: 'any' }],
    ['ADMIN', 'hard', { kind: 'any' }],
    ['MASTER', 'soft', { kind: 'any' }],
    ['RESALE', 'soft', { kind: 'parent-is', accountId: 'acct-9' }],
  ] as const)('v1: %s, %s → %o', (role, mode, constraint) => {
    const actor = actorFactory({ role, accountId: 'acct-9', scopes: ['customers:delete', 'customers:purge'] });
    expect(decideCustomerDeletionByClaims(actor, mode)).toEqual({ allowed: true, constraint });
  });

  it('v2: the requestor itself or its direct children, whatever the role', () => {
    for (const role of ['ADMIN', 'MASTER', 'RESALE', 'USER']) {
      const actor = actorFactory({ role, accountId: 'acct-9', scopes: ['users:delete'] });
      expect(decideUserDeletionByClaims(actor)).toEqual({ allowed: true, constraint: { kind: 'self-or-child-of', accountId: 'acct-9' } });
    }
  });
});

describe('satisfies', () => {
  const any: TargetConstraint = { kind: 'any' };
  const parentIsA: TargetConstraint = { kind: 'parent-is', accountId: 'a' };
  const selfOrChildOfA: TargetConstraint = { kind: 'self-or-child-of', accountId: 'a' };

  it.each([
    [any, { id: 'x', parentId: null }, true],
    [any, { id: 'x', parentId: 'y' }, true],
    [parentIsA, { id: 'x', parentId: 'a' }, true],
    [parentIsA, { id: 'x', parentId: 'b' }, false],
    [parentIsA, { id: 'x', parentId: null }, false],
    [parentIsA, { id: 'a', parentId: null }, false], // itself is not its own child
    [selfOrChildOfA, { id: 'a', parentId: null }, true],
    [selfOrChildOfA, { id: 'x', parentId: 'a' }, true],
    [selfOrChildOfA, { id: 'x', parentId: 'b' }, false],
    [selfOrChildOfA, { id: 'x', parentId: null }, false],
  ])('%o of %o → %s', (constraint, target, expected) => {
    expect(satisfies(constraint, target)).toBe(expected);
  });
});

describe('canReadRequest', () => {
  it('lets the requesting account and ADMIN read, no one else', () => {
    const request = { ownerAccountId: 'acct-1' };
    expect(canReadRequest(actorFactory({ accountId: 'acct-1', role: 'RESALE' }), request)).toBe(true);
    expect(canReadRequest(actorFactory({ accountId: 'acct-2', role: 'ADMIN' }), request)).toBe(true);
    expect(canReadRequest(actorFactory({ accountId: 'acct-2', role: 'MASTER' }), request)).toBe(false);
    expect(canReadRequest(actorFactory({ accountId: 'acct-2', role: 'RESALE' }), request)).toBe(false);
  });
});

describe('decideCustomerRestore (the restore table)', () => {
  it.each(RESTORE_DECISIONS)('%s [%s] restoring a customer under %s → %s', (role, scopes, targetParent, expected) => {
    const actor = actorFactory({ role, scopes: scopeList(scopes), accountId: V1_ACTOR_ACCOUNT });
    const decision = decideCustomerRestore(actor, { id: 'target', parentId: targetParent });
    expect(decision.allowed ? 'ALLOW' : decision.code).toBe(expected);
    expect(decision.allowed ? 'allowed' : decision.message).not.toBe('');
  });

  it.each([
    ['ADMIN', { kind: 'any' }],
    ['MASTER', { kind: 'any' }],
    ['RESALE', { kind: 'parent-is', accountId: 'acct-9' }],
  ] as const)('gives %s the constraint %o for the write', (role, constraint) => {
    const actor = actorFactory({ role, accountId: 'acct-9', scopes: ['customers:restore'] });
    expect(decideCustomerRestoreByClaims(actor)).toEqual({ allowed: true, constraint });
  });
});

describe('decideLegalHold (the legal hold table)', () => {
  it.each(HOLD_DECISIONS)('%s [%s] placing or releasing a hold → %s', (role, scopes, expected) => {
    const decision = decideLegalHold(actorFactory({ role, scopes: scopeList(scopes) }));
    expect(decision.allowed ? 'ALLOW' : decision.code).toBe(expected);
  });
});

describe('decidePurge (the purge table)', () => {
  const at = '2026-12-22T10:00:00.000Z';
  const purgeAfter = { past: '2026-12-01T00:00:00.000Z', future: '2027-01-01T00:00:00.000Z' } as const;

  it.each(PURGE_DECISIONS)('%s [%s] purge %s of a customer due in the %s → %s', (role, scopes, trigger, purgeDate, expected) => {
    const actor = actorFactory({ role, scopes: scopeList(scopes), accountId: role === 'SYSTEM' ? 'system' : 'platform' });
    const decision = decidePurge(actor, trigger, { id: 'target', parentId: 'reseller-1', purgeAfter: purgeAfter[purgeDate] }, at);
    expect(decision.allowed ? 'ALLOW' : decision.code).toBe(expected);
  });

  it('gives the schedule a constraint the write checks: the purge date at or before the run', () => {
    const system = actorFactory({ sub: 'system:retention', role: 'SYSTEM', accountId: 'system', scopes: [] });
    expect(decidePurgeByClaims(system, 'due', at)).toEqual({ allowed: true, constraint: { kind: 'purge-due', at } });
    expect(decidePurgeByClaims(actorFactory({ role: 'ADMIN', scopes: ['customers:delete', 'customers:purge'] }), 'now', at)).toEqual({ allowed: true, constraint: { kind: 'any' } });
  });

  it('treats a customer without a purge date as not due', () => {
    const system = actorFactory({ sub: 'system:retention', role: 'SYSTEM', accountId: 'system', scopes: [] });
    expect(decidePurge(system, 'due', { id: 'target', parentId: null }, at)).toMatchObject({ allowed: false, code: 'NOT_DUE' });
  });
});
