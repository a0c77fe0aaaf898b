import type { TargetConstraint } from './authorization';
import type { CustomerState, UserState } from './deletion-rules';
import type { Actor, CascadeEventType, DeletionMode, DeletionRequest, RequestSubject, RequestType, Subject } from './model';

/** The ports the deletion core talks through. Adapters implement them (DynamoDB in
 * shared/adapters/dynamodb); tests may pass their own. */

export type AuditOutcome = 'ALLOWED' | 'DENIED' | 'NOT_FOUND' | 'CONFLICT' | 'DRY_RUN';

/** What an audited attempt was: a request of one of the lifecycle's types, or placing or releasing a legal hold. */
export type AuditAction = RequestType | 'legal-hold.place' | 'legal-hold.release';

/** One audit record: every deletion attempt that reached authorization, allowed or not. */
export interface AuditRecord {
  auditId: string;
  at: string;
  actor: { sub: string; role: string; accountId: string };
  target: Subject;
  action: AuditAction;
  /** A deletion's, purge's or restore's mode; absent for a legal hold. */
  mode?: DeletionMode;
  reason: string | null;
  ticket: string | null;
  outcome: AuditOutcome;
  /** Why it was refused (a DenialCode or NOT_FOUND/CONFLICT detail), absent when allowed. */
  detail?: string;
  requestId?: string;
  correlationId: string;
}

/**
 * What happened, stated once for the cascade. The domain says "customer X was deleted by Y"; which
 * steps hear of it, with which events and which of them carries the recipient, is the outbox
 * writer's business (shared/outbox/outbox-writer.ts, from the step declarations).
 */
export interface DeletionFact {
  eventType: CascadeEventType;
  requestId: string;
  occurredAt: string;
  subject: RequestSubject;
  actor: { sub: string; role: string; accountId: string };
  mode: DeletionMode;
  reason: string | null;
  /** The subject's address as it was before this commit (a hard delete erases it in the same transaction). */
  recipient?: { email: string; name: string };
}

/** A new request as the domain states it; its steps come from the step declarations when it is written. */
export type NewRequest = Omit<DeletionRequest, 'steps'>;

/** What a deletion would change (a dry run's answer): the subject's logins, devices and active VPN sessions. */
export interface DeletionImpact {
  users: number;
  devices: number;
  activeSessions: number;
}

/** What a successful deletion answers; stored with the Idempotency-Key to replay it exactly. */
export interface DeletionReceipt {
  requestId: string;
  deletedAt: string;
  /** A soft delete's: when the scheduled purge may erase the customer (deletedAt + the retention). */
  purgeAfter?: string;
}

export interface IdempotencyClaim {
  accountId: string;
  key: string;
  /** Hash of what the request asked for: the same key with a different request is refused. */
  fingerprint: string;
  expiresAtEpochSeconds: number;
}

export interface StoredIdempotency {
  fingerprint: string;
  receipt: DeletionReceipt;
}

/** Everything one deletion commits atomically. */
export interface DeletionCommit {
  request: NewRequest;
  audit: AuditRecord;
  fact: DeletionFact;
  idempotency?: IdempotencyClaim;
  receipt: DeletionReceipt;
}

export interface CustomerDeletionCommit extends DeletionCommit {
  customerId: string;
  /** Who may be deleted, from the policy (shared/domain/authorization.ts): the write is conditional on the customer meeting it. */
  accessConstraint: TargetConstraint;
  /**
   * The parent whose count of live sub-customers this commit decrements: the one the actor's view
   * implies (RESALE: its account; others: the parent read). Not authorization: the write is
   * conditional on it so that the counter moved is the target's real parent's.
   */
  expectedParentId: string | null;
  mode: DeletionMode;
  /** Users whose personal fields a hard delete erases in the same transaction. */
  eraseUserIds: string[];
}

/** A purge (DELETED → PURGED), committed atomically like a hard delete. */
export interface CustomerPurgeCommit extends DeletionCommit {
  customerId: string;
  /** Who may purge which customers, from the policy (a due purge: only customers due by then). */
  accessConstraint: TargetConstraint;
  /** The soft delete's own request, which must have left IN_PROGRESS (null: the customer was DELETED without one). */
  deleteRequestId: string | null;
  /** Users whose personal fields the purge erases in the same transaction (the rest: the erasure step). */
  eraseUserIds: string[];
}

export interface UserDeletionCommit extends DeletionCommit {
  customerId: string;
  userId: string;
  /** Whose users may be deleted, from the policy: the write is conditional on the user's customer meeting it. */
  accessConstraint: TargetConstraint;
}

export type CommitResult =
  | { kind: 'committed' }
  /** The Idempotency-Key was used before: the first request's outcome. */
  | { kind: 'replay'; stored: StoredIdempotency }
  /** A condition failed; the current state of the target (absent if none), to explain why. */
  | { kind: 'refused'; customer: CustomerState | undefined; user?: UserState | undefined }
  /** Another transaction touched the same items at the same time; try again. */
  | { kind: 'contended' }
  /** The actor's own login or account is no longer ACTIVE: a deletion cut it off (its condition in the same transaction). */
  | { kind: 'revoked' };

export interface DeletionStore {
  getCustomer(customerId: string): Promise<(CustomerState & { name?: string; email?: string }) | undefined>;
  getUser(customerId: string, userId: string): Promise<(UserState & { name?: string; email?: string }) | undefined>;
  listUserIds(customerId: string): Promise<string[]>;
  /** The customer and the ids of its users, in one consistent read (a hard delete needs both before its one transaction). */
  getCustomerWithUserIds(customerId: string): Promise<{ customer: (CustomerState & { name?: string; email?: string }) | undefined; userIds: string[] }>;
  /** A customer and one of its users, in one consistent read (a v2 delete needs both before its one transaction). */
  getCustomerAndUser(
    customerId: string,
    userId: string,
  ): Promise<{ customer: (CustomerState & { name?: string; email?: string }) | undefined; user: (UserState & { name?: string; email?: string }) | undefined }>;
  /** Whether a request is still IN_PROGRESS (a purge waits for the soft delete's own request). */
  isRequestInProgress(requestId: string): Promise<boolean>;
  /** Counts what deleting the subject would change: ACTIVE logins, ACTIVE devices, ACTIVE sessions (one paged query of its partition). */
  deletionImpact(subject: Subject): Promise<DeletionImpact>;
  /** At most `limit` live sub-customers (a deleted customer leaves the children index, so one bounded query is exact). */
  liveSubCustomerIds(customerId: string, limit: number): Promise<string[]>;
  getIdempotency(accountId: string, key: string): Promise<StoredIdempotency | undefined>;
  commitCustomerDeletion(commit: CustomerDeletionCommit): Promise<CommitResult>;
  commitUserDeletion(commit: UserDeletionCommit): Promise<CommitResult>;
  commitCustomerPurge(commit: CustomerPurgeCommit): Promise<CommitResult>;
  writeAudit(record: AuditRecord): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  newId(): string;
}

export interface DeletionInput {
  actor: Actor;
  mode: DeletionMode;
  reason: string | null;
  ticket: string | null;
  idempotencyKey: string | null;
  correlationId: string;
}
