import {
  canReadRequest,
  decideCustomerDeletion,
  decideUserDeletion,
} from '../../../shared/domain/authorization';
import type { DeletionMode } from '../../../shared/domain/model';
import { actorFactory } from '../../fixtures/actors';

/** The full v1 matrix: role × scope set × relationship to the target × mode. */
const roles = ['ADMIN', 'MASTER', 'RESALE', 'SUPPORT', ''] as const;
const scopeSets: Record<string, string[]> = {
  none: [],
  delete: ['customers:delete'],
  purgeOnly: ['customers:purge'],
  deleteAndPurge: ['customers:delete', 'customers:purge'],
  usersOnly: ['users:delete'],
};
const relationships = ['managed', 'unmanaged', 'ownAccount', 'topLevel'] as const;
const modes: DeletionMode[] = ['soft', 'hard'];

function targetFor(relationship: (typeof relationships)[number]) {
  switch (relationship) {
    case 'managed':
      return { parentId: 'reseller-1' };
    case 'unmanaged':
      return { parentId: 'reseller-2' };
    case 'ownAccount':
      return { parentId: 'platform' };
    case 'topLevel':
      return { parentId: null };
  }
}

/** The rule, written independently of the implementation, to check every cell against. */
function expected(role: string, scopes: string[], relationship: string, mode: DeletionMode): string | 'ALLOW' {
  if (!['ADMIN', 'MASTER', 'RESALE'].includes(role)) return 'ROLE_NOT_ALLOWED';
  if (!scopes.includes('customers:delete')) return 'SCOPE_MISSING';
  if (mode === 'hard' && role !== 'ADMIN') return 'PURGE_NOT_ALLOWED';
  if (mode === 'hard' && !scopes.includes('customers:purge')) return 'SCOPE_MISSING';
  if (role === 'RESALE' && relationship !== 'managed') return 'NOT_MANAGED';
  return 'ALLOW';
}

const matrix = roles.flatMap((role) =>
  Object.entries(scopeSets).flatMap(([scopeName, scopes]) =>
    relationships.flatMap((relationship) => modes.map((mode) => ({ role, scopeName, scopes, relationship, mode }))),
  ),
);

describe('decideCustomerDeletion (v1 policy matrix)', () => {
  it('covers every combination', () => {
    expect(matrix).toHaveLength(roles.length * Object.keys(scopeSets).length * relationships.length * modes.length);
  });

  it.each(matrix)('$role / $scopeName / $relationship / $mode', ({ role, scopes, relationship, mode }) => {
    // Prepare
    const actor = actorFactory({ role, scopes, accountId: 'reseller-1' });
    // Act
    const decision = decideCustomerDeletion(actor, targetFor(relationship), mode);
    // Assess
    const want = expected(role, scopes, relationship, mode);
    expect(decision.allowed ? 'ALLOW' : decision.code).toBe(want);
    expect(decision.allowed ? 'allowed' : decision.message).not.toBe('');
  });
});

describe('decideUserDeletion (v2 eligibility)', () => {
  const actor = actorFactory({ role: 'RESALE', accountId: 'acct-parent', scopes: ['users:delete'] });

  it.each([
    ['its own account', { id: 'acct-parent', parentId: 'grandparent' }, true],
    ['a direct sub-customer', { id: 'child', parentId: 'acct-parent' }, true],
    ['a grandchild', { id: 'grandchild', parentId: 'child' }, false],
    ['its parent', { id: 'grandparent', parentId: null }, false],
    ['a sibling', { id: 'sibling', parentId: 'grandparent' }, false],
    ['an unrelated top-level customer', { id: 'other', parentId: null }, false],
  ])('a requestor deleting a user of %s → allowed=%s', (_label, customer, allowed) => {
    expect(decideUserDeletion(actor, customer).allowed).toBe(allowed);
  });

  it('requires the users:delete scope even for its own account', () => {
    const decision = decideUserDeletion(actorFactory({ accountId: 'a', scopes: ['customers:delete'] }), { id: 'a', parentId: null });
    expect(decision).toEqual({ allowed: false, code: 'SCOPE_MISSING', message: expect.any(String) });
  });

  it('does not depend on the role', () => {
    for (const role of ['ADMIN', 'MASTER', 'RESALE', 'USER']) {
      expect(decideUserDeletion(actorFactory({ role, accountId: 'x', scopes: ['users:delete'] }), { id: 'y', parentId: 'z' }).allowed).toBe(false);
      expect(decideUserDeletion(actorFactory({ role, accountId: 'x', scopes: ['users:delete'] }), { id: 'y', parentId: 'x' }).allowed).toBe(true);
    }
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
