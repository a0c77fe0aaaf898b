import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isRevoked, type ActorKey, type ActorStanding, type StandingRecord } from '../../domain/actor-standing';
import { batchGetItems, itemKeyOf, type ItemKey } from './batch-get';
import type { TableRef } from './client';
import { callDynamo } from './errors';
import { keys } from './keys';

type Key = ItemKey;

/** The two items the revocation rule reads: the actor's account (a customer) and its login (a user of it). */
export function standingKeys(actor: ActorKey): { account: Key; login: Key } {
  return { account: keys.customer(actor.accountId), login: keys.user(actor.accountId, actor.sub) };
}

const keyOf = itemKeyOf;

/**
 * One consistent BatchGetItem of the given keys plus the actor's account and login: a read
 * endpoint learns the actor's standing in the same round trip as what it reads.
 */
export async function batchGetWithStanding(
  table: TableRef,
  actor: ActorKey,
  wanted: readonly Key[],
): Promise<{ items: Map<string, Record<string, unknown>>; revoked: boolean }> {
  const standing = standingKeys(actor);
  const requested = new Map<string, Key>([...wanted, standing.account, standing.login].map((key) => [keyOf(key), key]));
  const items = await batchGetItems(table, [...requested.values()]);
  const account = items.get(keyOf(standing.account)) as StandingRecord | undefined;
  const login = items.get(keyOf(standing.login)) as StandingRecord | undefined;
  return { items, revoked: isRevoked(account, login) };
}

export function itemAt(items: Map<string, Record<string, unknown>>, key: Key): Record<string, unknown> | undefined {
  return items.get(keyOf(key));
}

export class DynamoDbActorStanding implements ActorStanding {
  constructor(private readonly table: TableRef) {}

  async isRevoked(actor: ActorKey): Promise<boolean> {
    return (await batchGetWithStanding(this.table, actor, [])).revoked;
  }
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const STANDING_CONDITION = '(attribute_not_exists(pk) OR #standingStatus = :standingActive)';

function sameKey(a: Record<string, unknown> | undefined, b: Key): boolean {
  return a !== undefined && a.pk === b.pk && a.sk === b.sk;
}

/**
 * Makes the actor's standing a condition of a deletion's transaction: for each of the actor's two
 * items, the condition is ANDed into the operation the transaction already has on that key (a
 * reseller's parent update, v2's customer check, a v2 self-delete's target: DynamoDB refuses two
 * operations on one item), or else added as a ConditionCheck. No extra round trip. Returns the
 * indexes of the items that carry it, so a cancelled transaction can say the actor was revoked.
 */
export function addStandingConditions(items: TransactItem[], actor: ActorKey, tableName: string): number[] {
  const carriers: number[] = [];
  for (const key of Object.values(standingKeys(actor))) {
    const index = items.findIndex((item) => sameKey(item.Update?.Key ?? item.ConditionCheck?.Key ?? item.Put?.Item ?? item.Delete?.Key, key));
    const existing = index >= 0 ? (items[index]!.Update ?? items[index]!.ConditionCheck) : undefined;
    if (index >= 0 && existing === undefined) throw new Error('a Put or Delete on the actor\u2019s own item cannot carry its standing');
    if (existing) {
      existing.ConditionExpression = existing.ConditionExpression ? `(${existing.ConditionExpression}) AND ${STANDING_CONDITION}` : STANDING_CONDITION;
      existing.ExpressionAttributeNames = { ...existing.ExpressionAttributeNames, '#standingStatus': 'status' };
      existing.ExpressionAttributeValues = { ...existing.ExpressionAttributeValues, ':standingActive': 'ACTIVE' };
      existing.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
      carriers.push(index);
    } else {
      items.push({
        ConditionCheck: {
          TableName: tableName,
          Key: key,
          ConditionExpression: STANDING_CONDITION,
          ExpressionAttributeNames: { '#standingStatus': 'status' },
          ExpressionAttributeValues: { ':standingActive': 'ACTIVE' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
      carriers.push(items.length - 1);
    }
  }
  return carriers;
}

/** Whether a cancelled transaction failed because the actor was revoked: a carrier failed on an item that exists and is not ACTIVE. */
export function failedOnStanding(
  carriers: readonly number[],
  reasons: readonly { Code?: string }[],
  oldItems: readonly (Record<string, unknown> | undefined)[],
): boolean {
  return carriers.some((index) => {
    const old = oldItems[index];
    return reasons[index]?.Code === 'ConditionalCheckFailed' && old !== undefined && old.status !== 'ACTIVE';
  });
}

/** What sending a deletion-style transaction came to: committed, or cancelled with each item's reason and the item it saw. */
export type TransactionOutcome =
  | { kind: 'committed' }
  | {
      kind: 'cancelled';
      reasons: readonly { Code?: string }[];
      oldItems: readonly (Record<string, unknown> | undefined)[];
      revoked: boolean;
      /** The cancellation itself: rethrown by a caller that cannot explain it. */
      error: TransactionCanceledException;
    };

/**
 * Sends a transaction that carries the actor's standing (`carriers`, from addStandingConditions) and
 * reads a cancellation once for every caller: the reasons, the items the failed conditions saw, and
 * whether the actor was revoked (which wins over any other refusal). Other errors are thrown.
 */
export async function sendWithStanding(doc: TableRef['doc'], items: TransactItem[], carriers: readonly number[]): Promise<TransactionOutcome> {
  try {
    await callDynamo(() => doc.send(new TransactWriteCommand({ TransactItems: items })));
    return { kind: 'committed' };
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    const oldItems = reasons.map((r) => (r.Item ? unmarshall(r.Item as Record<string, AttributeValue>) : undefined));
    return { kind: 'cancelled', reasons, oldItems, revoked: failedOnStanding(carriers, reasons, oldItems), error };
  }
}
