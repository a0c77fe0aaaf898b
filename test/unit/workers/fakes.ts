import type { OutgoingMail, MailSender } from '../../../shared/workers/ports';
import type { DeletionRequest } from '../../../shared/domain/model';
import { applyStepOutcome, type StepOutcome } from '../../../shared/domain/request-progress';
import type { ClaimResult, EventClaim, ProcessedEvents, ProgressWriteResult, RequestProgress } from '../../../shared/workers/ports';

/** In-memory stand-ins for the table-backed ports, applying the same pure rules. */

export class InMemoryProcessedEvents implements ProcessedEvents {
  readonly markers = new Map<string, { status: 'IN_PROGRESS' | 'COMPLETE'; token: string }>();
  private tokens = 0;

  async claim(consumer: string, eventId: string): Promise<ClaimResult> {
    const key = `${consumer}/${eventId}`;
    const existing = this.markers.get(key);
    if (existing?.status === 'COMPLETE') return { outcome: 'completed' };
    if (existing) return { outcome: 'in-progress' };
    this.tokens += 1;
    const token = `token-${this.tokens}`;
    this.markers.set(key, { status: 'IN_PROGRESS', token });
    return { outcome: 'claimed', claim: { consumer, eventId, token } };
  }

  async release(claim: EventClaim): Promise<void> {
    const key = `${claim.consumer}/${claim.eventId}`;
    if (this.markers.get(key)?.token === claim.token) this.markers.delete(key);
  }

  complete(claim: EventClaim): boolean {
    const key = `${claim.consumer}/${claim.eventId}`;
    const marker = this.markers.get(key);
    if (marker?.token !== claim.token || marker.status !== 'IN_PROGRESS') return false;
    marker.status = 'COMPLETE';
    return true;
  }
}

export class InMemoryRequestProgress implements RequestProgress {
  readonly requests = new Map<string, DeletionRequest>();

  constructor(private readonly processed: InMemoryProcessedEvents) {}

  add(request: DeletionRequest): void {
    this.requests.set(request.requestId, structuredClone(request));
  }

  get(requestId: string): DeletionRequest {
    const request = this.requests.get(requestId);
    if (!request) throw new Error(`no request ${requestId}`);
    return request;
  }

  async complete(requestId: string, step: string, claim: EventClaim, at: string, count?: number): Promise<ProgressWriteResult> {
    if (!this.processed.complete(claim)) return 'claim-lost';
    return this.apply(requestId, step, { kind: 'succeeded', ...(count !== undefined ? { count } : {}) }, at);
  }

  async recordFailure(requestId: string, step: string, failure: { error: string; exhausted: boolean }, at: string): Promise<ProgressWriteResult> {
    return this.apply(requestId, step, { kind: 'failed', ...failure }, at);
  }

  private apply(requestId: string, step: string, outcome: StepOutcome, at: string): ProgressWriteResult {
    const request = this.requests.get(requestId);
    if (!request) return 'no-request';
    const transition = applyStepOutcome(request, step, outcome, at);
    if (!transition.changed) return 'unchanged';
    this.requests.set(requestId, { ...request, steps: transition.steps, status: transition.status, updatedAt: transition.updatedAt });
    return 'recorded';
  }
}

export class RecordingMailSender implements MailSender {
  readonly sent: OutgoingMail[] = [];
  async send(mail: OutgoingMail): Promise<void> {
    this.sent.push(mail);
  }
}
