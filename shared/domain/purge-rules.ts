import { decidePurge, type PurgeTrigger } from './authorization';
import type { CustomerState, Refusal } from './deletion-rules';
import type { Actor } from './model';

/**
 * The purge of a DELETED customer (SPEC "Lifecycle": DELETED → PURGED, by the schedule or an ADMIN's
 * purge now). Why it may not happen now, or undefined if it may, in the order a caller should hear
 * it: 404 (no such customer, not DELETED: already purged, or restored meanwhile), 403 (the policy:
 * role, scope, and for the schedule a customer not yet due), 409 with the blocker `legalHold`, and
 * 409 `DELETION_IN_PROGRESS` while the soft delete's own request runs (its e-mail step may still
 * need the address the purge erases). The store's purge transaction checks the same conditions;
 * this explains a refused one from the state it saw.
 */
export function purgeRefusal(actor: Actor, trigger: PurgeTrigger, customer: CustomerState | undefined, at: string): Refusal | undefined {
  if (!customer || customer.status !== 'DELETED') return { outcome: 'NOT_FOUND', kind: 'customer' };
  const decision = decidePurge(actor, trigger, customer, at);
  if (!decision.allowed) return { outcome: 'DENIED', code: decision.code, message: decision.message };
  // Only the hold blocks a purge: a DELETED customer has no live sub-customers to list.
  if (customer.onLegalHold === true) return { outcome: 'CONFLICT', activeSubscriptions: 0, liveChildren: 0, onLegalHold: true };
  if (customer.deleteRequestInProgress === true) {
    return { outcome: 'BUSY', code: 'DELETION_IN_PROGRESS', message: 'The soft deletion of this customer is still in progress; try the purge again when its request has completed' };
  }
  return undefined;
}
