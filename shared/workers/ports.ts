import type { Subject } from '../domain/model';

/**
 * The ports a cascade consumer talks through. The DynamoDB adapters implement them
 * (shared/adapters/dynamodb, shared/adapters/vpn); unit tests pass in-memory fakes.
 */

export interface WorkContext {
  requestId: string;
  eventId: string;
  /** ISO-8601 time of this attempt: stamped on what the work changes (revokedAt, terminatedAt). */
  at: string;
}

/** Every ACTIVE device of the subject becomes REVOKED. Idempotent: already revoked devices are left alone. */
export interface DeviceRevoker {
  revokeAll(subject: Subject, context: WorkContext): Promise<{ revoked: number }>;
}

/**
 * Erases the personal fields of every login (user) of a hard-deleted customer still holding them.
 * The deletion transaction erases as many as it has room for; this catches the rest, retried by
 * SQS until done. Idempotent: an erased login is left alone.
 */
export interface LoginEraser {
  eraseRemaining(customerId: string, context: WorkContext): Promise<{ erased: number }>;
}

/**
 * Ends every ACTIVE VPN session of the subject. The default adapter works on the table; an adapter
 * for a real VPN gateway disconnects there first, then records TERMINATED. Must be idempotent.
 */
export interface VpnSessionGateway {
  terminateActiveSessions(subject: Subject, context: WorkContext): Promise<{ terminated: number }>;
}

/** A login (user) of a customer account: its id is the provider's username and the token's `sub`. */
export interface Login {
  id: string;
  customerId: string;
}

/**
 * The identity provider behind the identity step: Amazon Cognito in AWS, the local token issuer's
 * record in the local stack. Both operations are idempotent (a disabled login disabled again stays
 * disabled), so a re-run after a timeout does no harm. A login the provider does not know is
 * `unknown`: nothing to end there. Failures are IdentityProviderErrors with a safe message.
 */
export interface IdentityProvider {
  /** Ends every session of the login at the provider, then disables it. */
  signOutAndDisable(login: Login, context: WorkContext): Promise<'disabled' | 'unknown'>;
  /** Enables the login again (a restore). */
  enable(login: Login): Promise<'enabled' | 'unknown'>;
}

/** The logins of a customer, from the table: every one, whatever its status (a hard delete erases a login's personal fields, not its id). */
export interface LoginDirectory {
  loginIdsOf(customerId: string): Promise<string[]>;
  /** The logins the table still has ACTIVE: those a restore enables again (a login deleted on its own, by v2, stays deleted). */
  activeLoginIdsOf(customerId: string): Promise<string[]>;
}

/** The outgoing-mail port of the email step: Amazon SES (its emulator in the local stack and the tests). */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Stable per logical message (the event id): SES carries it as a message tag, to trace a message to its event. */
  dedupeId: string;
}

export interface MailSender {
  send(mail: OutgoingMail): Promise<void>;
}

export interface Contact {
  email: string;
  name: string;
}

/** Fallbacks for the send-email consumer when an event carries no recipient (soft deletes keep the data). */
export interface ContactDirectory {
  findContact(subject: Subject): Promise<Contact | undefined>;
  findCustomerName(customerId: string): Promise<string | undefined>;
}

/** Proof that this invocation owns the processing of one event (see ProcessedEvents.claim). */
export interface EventClaim {
  consumer: string;
  eventId: string;
  token: string;
}

export type ClaimResult =
  | { outcome: 'claimed'; claim: EventClaim }
  /** Already processed: a duplicate delivery, nothing to do. */
  | { outcome: 'completed' }
  /** Another delivery of the same event is being processed right now: retry later. */
  | { outcome: 'in-progress' };

/** Consumer idempotency markers, PROCESSED#<consumer>/<eventId>. */
export interface ProcessedEvents {
  claim(consumer: string, eventId: string, details: { requestId: string; now: Date }): Promise<ClaimResult>;
  /** Gives a claim up after a failed attempt, so the retry can claim it at once. */
  release(claim: EventClaim): Promise<void>;
}

export type ProgressWriteResult = 'recorded' | 'unchanged' | 'no-request' | 'claim-lost';

/** The deletion request's step bookkeeping, applied with the rules of shared/domain/request-progress.ts. */
export interface RequestProgress {
  /** Marks the claim COMPLETE and the step SUCCESS in one transaction. */
  complete(requestId: string, step: string, claim: EventClaim, at: string, count?: number): Promise<ProgressWriteResult>;
  recordFailure(requestId: string, step: string, failure: { error: string; exhausted: boolean }, at: string): Promise<ProgressWriteResult>;
}
