/** The service's vocabulary. Pure types: nothing here knows about DynamoDB, HTTP or JWTs. */

/** Every id the service accepts (customer, user, device, session): 1–128 of these characters. */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export type Role = 'ADMIN' | 'MASTER' | 'RESALE' | (string & {});

export const SCOPES = {
  deleteCustomers: 'customers:delete',
  purgeCustomers: 'customers:purge',
  deleteUsers: 'users:delete',
  restoreCustomers: 'customers:restore',
  holdCustomers: 'customers:hold',
  readCustomers: 'customers:read',
  readAudit: 'audit:read',
} as const;

/** Who is asking, from a verified token. */
export interface Actor {
  sub: string;
  role: Role;
  accountId: string;
  scopes: ReadonlySet<string>;
}

export type CustomerStatus = 'ACTIVE' | 'DELETED' | 'PURGED';
export type DeletionMode = 'soft' | 'hard';

export interface Customer {
  id: string;
  parentId: string | null;
  name: string;
  email: string;
  status: CustomerStatus;
  activeSubscriptions: number;
}

export interface User {
  id: string;
  customerId: string;
  name: string;
  email: string;
  status: 'ACTIVE' | 'DELETED';
}

/**
 * What a request is. Which cascade steps each type runs is not the domain's business: the step
 * declarations (infra/catalog.ts) say it, and a request stores the steps it was created with.
 */
export type RequestType = 'customer.delete' | 'user.delete' | 'customer.purge' | 'customer.restore' | 'batch';

/** What a request tells the cascade happened (SPEC "Requests, steps and events"). */
export type CascadeEventType = 'customer.deleted' | 'user.deleted' | 'customer.purged' | 'customer.restored' | 'batch.requested';
export type StepStatus = 'PENDING' | 'SUCCESS' | 'FAILED';
export type RequestStatus = 'IN_PROGRESS' | 'SUCCESS' | 'FAILED';

export interface Step {
  status: StepStatus;
  attempts: number;
  /** What the step changed (logins disabled, devices revoked, sessions ended, messages sent, records erased): set when it succeeds. */
  count?: number;
  /** Why the last attempt failed; gone once the step succeeds. */
  lastError?: string;
  updatedAt: string;
}

/** What a deletion is about: a whole customer (v1) or one user of a customer (v2). */
export type Subject =
  | { type: 'customer'; customerId: string }
  | { type: 'user'; customerId: string; userId: string };

/** A bulk deletion's batch of `size` customers (SPEC "Bulk deletion"): each becomes a deletion of its own. */
export interface BatchSubject {
  type: 'batch';
  size: number;
}

/** What a request is about: a deletion's subject, or a batch. */
export type RequestSubject = Subject | BatchSubject;

export interface DeletionRequest {
  requestId: string;
  type: RequestType;
  subject: RequestSubject;
  actor: { sub: string; role: Role; accountId: string };
  reason?: string;
  ticket?: string;
  mode: DeletionMode;
  status: RequestStatus;
  /** The request's own steps, by name: fixed when it is created; it is SUCCESS when all of them are. */
  steps: Record<string, Step>;
  /** Which of its steps end the subject's access (logins, devices, sessions): fixed when it is created. */
  accessSteps?: readonly string[];
  /** When the last of the access steps succeeded: from then on the subject can no longer get in. */
  accessRevokedAt?: string;
  createdAt: string;
  updatedAt: string;
}
