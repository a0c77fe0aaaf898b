import type { TargetConstraint } from '../../domain/authorization';

/**
 * The policy's target constraint (shared/domain/authorization.ts) as a DynamoDB condition on the
 * target's item: the one place the rule becomes an expression. Each kind maps to one fragment,
 * mechanically; `satisfies` in the policy is the same rule evaluated in memory, and the contract
 * test (test/integration/api/authorization-contract.test.ts) runs both on one decision table.
 */

/** A condition expression fragment with the placeholders it uses. */
export interface ConditionFragment {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** The item attributes a constraint reads (the customer item's `id` and `parentId`). */
const NAMES = { '#accessId': 'id', '#accessParentId': 'parentId' } as const;

/** The condition a customer item must meet under `constraint`; undefined when it asks nothing. */
export function constraintCondition(constraint: TargetConstraint): ConditionFragment | undefined {
  switch (constraint.kind) {
    case 'any':
      return undefined;
    case 'parent-is':
      return {
        expression: '#accessParentId = :accessAccount',
        names: { '#accessParentId': NAMES['#accessParentId'] },
        values: { ':accessAccount': constraint.accountId },
      };
    case 'self-or-child-of':
      return {
        expression: '(#accessId = :accessAccount OR #accessParentId = :accessAccount)',
        names: { ...NAMES },
        values: { ':accessAccount': constraint.accountId },
      };
    case 'purge-due':
      // A customer without a purge date compares false: not due.
      return {
        expression: '#accessPurgeAfter <= :accessDueBy',
        names: { '#accessPurgeAfter': 'purgeAfter' },
        values: { ':accessDueBy': constraint.at },
      };
  }
}

/**
 * `base AND fragment`, with the fragment's placeholders added to the caller's names and values.
 * A placeholder the caller already binds to something else is a programming error, refused loudly.
 */
export function withConstraint(
  base: string,
  names: Record<string, string>,
  values: Record<string, unknown>,
  constraint: TargetConstraint,
): string {
  const fragment = constraintCondition(constraint);
  if (!fragment) return base;
  for (const [placeholder, name] of Object.entries(fragment.names)) {
    if (placeholder in names && names[placeholder] !== name) throw new Error(`Placeholder ${placeholder} is already bound`);
    names[placeholder] = name;
  }
  for (const [placeholder, value] of Object.entries(fragment.values)) {
    if (placeholder in values && values[placeholder] !== value) throw new Error(`Placeholder ${placeholder} is already bound`);
    values[placeholder] = value;
  }
  return `${base} AND ${fragment.expression}`;
}
