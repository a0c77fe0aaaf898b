import type { ActorStanding } from './actor-standing';
import { ForbiddenError, TokenRevokedError } from './errors';
import type { Actor } from './model';

/**
 * The operator's view of the cascade's queues (SPEC "Operator console"): each step queue's depth and
 * its DLQ's, and a redrive that moves a DLQ's messages back to its queue. ADMIN only, with scope
 * `ops:redrive`, for both: a queue's depth says how much work is failing, which is platform staff's
 * business. Which answer wins (SPEC "Identity"): a revoked actor is a 401 before the 403, and an
 * allowed one is asked about too (a read pays one batched read for it). The HTTP layer has already refused a
 * queue that is not a step queue (a 400, which wins over the 403).
 */

export const OPS_SCOPE = 'ops:redrive';

/** One step queue as an operator sees it; the counts are SQS's approximate ones. */
export interface QueueDepth {
  queue: string;
  /** Waiting to be received. */
  messages: number;
  /** Received by a consumer and not yet deleted. */
  inFlight: number;
  /** In the queue's DLQ: deliveries that exhausted their retries. */
  dlqMessages: number;
}

/** What a redrive started: a move task (AWS answers at once, the move runs behind it), or the messages already moved. */
export type RedriveOutcome = { queue: string; taskHandle: string } | { queue: string; moved: number };

/** The port: the queues' depths, and the move of one queue's DLQ back to it. */
export interface QueueOperations {
  depths(): Promise<QueueDepth[]>;
  redrive(queue: string): Promise<RedriveOutcome>;
}

type OpsDecision = { allowed: true } | { allowed: false; code: 'ROLE_NOT_ALLOWED' | 'SCOPE_MISSING'; message: string };

/** Role, then scope. */
export function decideQueueOperations(actor: Actor): OpsDecision {
  if (actor.role !== 'ADMIN') return { allowed: false, code: 'ROLE_NOT_ALLOWED', message: 'Only ADMIN may inspect or redrive queues' };
  if (!actor.scopes.has(OPS_SCOPE)) return { allowed: false, code: 'SCOPE_MISSING', message: `Scope ${OPS_SCOPE} is required` };
  return { allowed: true };
}

interface OpsDeps {
  standing: ActorStanding;
  queues: QueueOperations;
}

/** 401 for a revoked actor (allowed or not), then the claims' 403. */
async function authorize(actor: Actor, standing: ActorStanding): Promise<void> {
  const decision = decideQueueOperations(actor);
  if (await standing.isRevoked(actor)) throw new TokenRevokedError();
  if (!decision.allowed) throw new ForbiddenError(decision.code, decision.message);
}

/** `GET /api/v2/ops/queues`. */
export async function listQueueDepthsFor(actor: Actor, deps: OpsDeps): Promise<QueueDepth[]> {
  await authorize(actor, deps.standing);
  return deps.queues.depths();
}

/** `POST /api/v2/ops/queues/{queue}/redrive`: `queue` is one of the step queues' ids. */
export async function redriveQueueFor(actor: Actor, queue: string, deps: OpsDeps): Promise<RedriveOutcome> {
  await authorize(actor, deps.standing);
  return deps.queues.redrive(queue);
}
