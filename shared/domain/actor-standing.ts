/**
 * Revoked actors (SPEC "Identity"): a deletion ends access, including access to this API. An actor
 * is revoked when its login (`sub`, a user of `accountId`) is no longer ACTIVE, or its account is a
 * customer that is no longer ACTIVE. A login or an account the table does not know (platform staff)
 * is not revoked on that ground. The same rule is a condition of every deletion's transaction
 * (shared/adapters/dynamodb/actor-conditions.ts), so a concurrent "delete login X" and "X deletes
 * customer Y" can never both succeed.
 */

/** What the rule needs of the actor's account and login items: their status, when they exist. */
export interface StandingRecord {
  status: string;
}

export function isRevoked(account: StandingRecord | undefined, login: StandingRecord | undefined): boolean {
  return (account !== undefined && account.status !== 'ACTIVE') || (login !== undefined && login.status !== 'ACTIVE');
}

/** Who the standing is asked about: the token's account and subject. */
export interface ActorKey {
  sub: string;
  accountId: string;
}

/** The port: one consistent, batched read of the actor's account and login. */
export interface ActorStanding {
  isRevoked(actor: ActorKey): Promise<boolean>;
}
