import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TargetConstraint } from '../../domain/authorization';
import type { CustomerStatus } from '../../domain/model';
import { withConstraint } from './access-condition';
import { keys } from './keys';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * What every reader of a customer item takes from it alike, and the condition every write that moves
 * a customer relative to its parent states alike: one place, so the deletion, lifecycle and state
 * stores cannot read or guard a customer differently.
 */

export interface CustomerCore {
  id: string;
  parentId: string | null;
  status: CustomerStatus;
  activeSubscriptions: number;
  liveChildren: number;
}

/** The fields of a customer item every view has: ids, status and its two counters. */
export function customerCore(item: Record<string, unknown>): CustomerCore {
  return {
    id: String(item.id),
    parentId: (item.parentId as string | null | undefined) ?? null,
    status: item.status as CustomerStatus,
    activeSubscriptions: Number(item.activeSubscriptions ?? 0),
    liveChildren: Number(item.liveChildren ?? 0),
  };
}

/** The name and e-mail when the item still holds them (a PURGED tombstone does not). */
export function contactFields(item: Record<string, unknown>): { name?: string; email?: string } {
  return {
    ...(typeof item.name === 'string' ? { name: item.name } : {}),
    ...(typeof item.email === 'string' ? { email: item.email } : {}),
  };
}

/**
 * "The customer's parent is the one this write moves a counter on": `parentId = :parent`, or no
 * parent at all. Adds its placeholders to `values`.
 */
export function parentIsCondition(expectedParentId: string | null, values: Record<string, unknown>): string {
  if (expectedParentId === null) {
    values[':nullType'] = 'NULL';
    return '(attribute_not_exists(parentId) OR attribute_type(parentId, :nullType))';
  }
  values[':parent'] = expectedParentId;
  return 'parentId = :parent';
}

/**
 * The transaction's update of the target customer: its state change under its own conditions ANDed
 * with the policy's constraint, returning the item it saw when a condition fails (the refusal is
 * explained from it).
 */
export function customerTransition(
  tableName: string,
  customerId: string,
  change: { update: string; condition: string; names: Record<string, string>; values: Record<string, unknown>; constraint: TargetConstraint },
): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: keys.customer(customerId),
      UpdateExpression: change.update,
      ConditionExpression: withConstraint(change.condition, change.names, change.values, change.constraint),
      ExpressionAttributeNames: change.names,
      ExpressionAttributeValues: change.values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * The parent's count of live sub-customers moves with each child leaving (a deletion: down, never
 * below zero, which is what makes "no live sub-customers" a condition) or coming back (a restore:
 * up, only under an ACTIVE parent, else PARENT_NOT_ACTIVE, explained from the item it returns).
 */
export function parentCounterMove(tableName: string, parentId: string, direction: 'down' | 'up'): TransactItem {
  const key = keys.customer(parentId);
  if (direction === 'down') {
    return {
      Update: {
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET liveChildren = liveChildren - :one',
        ConditionExpression: 'attribute_exists(pk) AND liveChildren > :zero',
        ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
      },
    };
  }
  return {
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET liveChildren = if_not_exists(liveChildren, :zero) + :one',
      ConditionExpression: 'attribute_exists(pk) AND #status = :active',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':active': 'ACTIVE' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}
