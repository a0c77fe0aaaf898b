import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { dlqUrlVariable, queueIds, queueUrlVariable } from '../../../infra/catalog';
import type { TokenVerifier } from '../../auth/token-verifier';
import type { ActorStanding } from '../../domain/actor-standing';
import { listQueueDepthsFor, redriveQueueFor, type QueueOperations } from '../../domain/queue-operations';
import { createSqsClient } from '../../adapters/sqs/client';
import { SqsQueueOperations, type RedriveMethod } from '../../adapters/sqs/queue-operations';
import { chooseAdapter, requireEnv, type Environment } from '../../config/env';
import { apiBaseFromEnv } from '../api-wiring';
import { header, parseWith, readInput } from '../input';
import { httpHandler } from '../middleware';
import { v2Ack } from '../v2-envelope';

/** `{queue}`: one of the step queues' ids (the catalog's), named in the refusal. */
export const queueParam = z.enum(queueIds as [string, ...string[]], { error: `queue must be one of ${queueIds.join(', ')}` });

function queueOf(event: APIGatewayProxyEventV2): string {
  return parseWith(queueParam, event.pathParameters?.queue, 'VALIDATION_1001');
}

interface OpsDeps {
  verifier: TokenVerifier;
  standing: ActorStanding;
  queues: QueueOperations;
}

/** `GET /api/v2/ops/queues`: each step queue's depth, in flight, and its DLQ's depth. */
function createOpsQueuesHandler(deps: OpsDeps) {
  return httpHandler('v2', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    return v2Ack(await listQueueDepthsFor(actor, deps));
  });
}

/** `POST /api/v2/ops/queues/{queue}/redrive`: moves the queue's DLQ back to it. */
function createOpsRedriveHandler(deps: OpsDeps) {
  return httpHandler('v2', async (event) => {
    const actor = await deps.verifier.verify(header(event, 'authorization'));
    const queue = await readInput(actor, deps.standing, () => queueOf(event));
    return v2Ack([await redriveQueueFor(actor, queue, deps)]);
  });
}

/** The step queues from the `step-queues` link's variables: each queue's URL and its DLQ's, and how a DLQ is moved back. */
function queueOperationsFromEnv(env: Environment): QueueOperations {
  const urls = queueIds.map((id) => ({ queue: id, url: requireEnv(env, queueUrlVariable(id)), dlqUrl: requireEnv(env, dlqUrlVariable(id)) }));
  const sqs = createSqsClient();
  const method = (name: RedriveMethod) => ({ build: () => new SqsQueueOperations(sqs, urls, name) });
  return chooseAdapter<QueueOperations>(env, 'QUEUE_REDRIVE', { 'sqs-move-task': method('sqs-move-task'), copy: method('copy') });
}

function opsDepsFromEnv(env: Environment): OpsDeps {
  const { verifier, standing } = apiBaseFromEnv(env);
  return { verifier, standing, queues: queueOperationsFromEnv(env) };
}

export function opsQueuesFromEnv(env: Environment) {
  return createOpsQueuesHandler(opsDepsFromEnv(env));
}

export function opsRedriveFromEnv(env: Environment) {
  return createOpsRedriveHandler(opsDepsFromEnv(env));
}
