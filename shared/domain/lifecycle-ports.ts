import type { ActorKey } from './actor-standing';
import type { TargetConstraint } from './authorization';
import type { AuditRecord, DeletionCommit } from './deletion-ports';
import type { CustomerState } from './deletion-rules';

/**
 * The ports of the lifecycle actions that are not deletions: restore and legal hold (SPEC
 * "Lifecycle"). The DynamoDB adapter is shared/adapters/dynamodb/lifecycle-store.ts.
 */

/** A legal hold, as the customer item's `legalHold` attribute keeps it (and the purge reads it). */
export interface LegalHold {
  placedAt: string;
  /** The `sub` of the ADMIN who placed it. */
  placedBy: string;
  reason: string;
  ticket?: string;
}

/** What the lifecycle rules need of a customer (its hold in full, where the deletion rules need only whether there is one). */
export interface LifecycleCustomer extends Omit<CustomerState, 'legalHold'> {
  name?: string;
  email?: string;
  legalHold?: LegalHold;
}

/** Everything a restore commits atomically: the customer back to ACTIVE, its parent's count, audit, request, outbox. */
export interface RestoreCommit extends DeletionCommit {
  customerId: string;
  /** Who may be restored, from the policy: the write is conditional on the customer meeting it. */
  accessConstraint: TargetConstraint;
  /** The parent whose live-children count goes back up (the one read); the write is conditional on it. */
  expectedParentId: string | null;
}

export type RestoreCommitResult =
  | { kind: 'committed' }
  | { kind: 'contended' }
  /** The actor's own login or account is no longer ACTIVE. */
  | { kind: 'revoked' }
  /** A condition failed: the customer and its parent as they are now, to explain why. */
  | { kind: 'refused'; customer: LifecycleCustomer | undefined; parent: LifecycleCustomer | undefined };

export type HoldChange = { kind: 'place'; hold: LegalHold } | { kind: 'release' };

/** A legal hold placed or released, with its audit record, in one transaction. */
export interface HoldCommit {
  customerId: string;
  change: HoldChange;
  audit: AuditRecord;
  actor: ActorKey;
}

export type HoldCommitResult =
  | { kind: 'committed' }
  | { kind: 'contended' }
  | { kind: 'revoked' }
  /** A condition failed: the customer as it is now (absent if none). */
  | { kind: 'refused'; customer: LifecycleCustomer | undefined };

export interface LifecycleStore {
  getCustomer(customerId: string): Promise<LifecycleCustomer | undefined>;
  commitRestore(commit: RestoreCommit): Promise<RestoreCommitResult>;
  commitLegalHold(commit: HoldCommit): Promise<HoldCommitResult>;
  writeAudit(record: AuditRecord): Promise<void>;
}
