import * as z from 'zod';
import { queueIds } from '../../../infra/catalog';
import { V2_INVALID, v2Errors, type RouteContracts } from '../contract/operation';
import { ackOf } from '../contract/examples';
import { v2Ack } from '../contract/schemas';
import { queueParam } from './ops-queues';

const count = z.int().min(0);
const depths = v2Ack(
  'QueueDepths',
  "Each cascade step queue's approximate depth (waiting, in flight) and its DLQ's, as SQS counts them.",
  z.strictObject({ queue: z.string(), messages: count, inFlight: count, dlqMessages: count }),
);
const redrive = v2Ack(
  'QueueRedrive',
  'A redrive of a DLQ back to its queue: the move task SQS started (it runs behind the answer; watch dlqMessages fall), or the messages already moved (none when the DLQ was empty; the local stack moves them at once).',
  z.union([z.strictObject({ queue: z.string(), taskHandle: z.string().min(1) }), z.strictObject({ queue: z.string(), moved: count })]),
);

const FORBIDDEN = {
  description: 'Not ADMIN, or the token lacks the ops:redrive scope.',
  examples: { notEligible: ['AUTH_1003', 'Requestor is not eligible'] as [string, string] },
};

export const contracts: RouteContracts = {
  'GET /api/v2/ops/queues': {
    operationId: 'listQueueDepths',
    summary: "The cascade queues' and their DLQs' depths",
    description: 'ADMIN only, with scope ops:redrive. One element per step queue, in the catalog\'s order.',
    tag: 'v2',
    scopes: ['ops:redrive'],
    responses: {
      200: {
        description: 'The depths.',
        schema: depths,
        examples: {
          depths: {
            summary: 'One message in the send-email DLQ',
            value: { ...ackOf({ queue: 'send-email', messages: 0, inFlight: 0, dlqMessages: 1 }) },
          },
        },
      },
      ...v2Errors({ 403: FORBIDDEN }),
    },
  },
  'POST /api/v2/ops/queues/{queue}/redrive': {
    operationId: 'redriveQueue',
    summary: "Moves a step queue's DLQ back to the queue",
    description: 'ADMIN only, with scope ops:redrive. In AWS an SQS message move task (StartMessageMoveTask; a redrive while one runs answers the running task); a moved message is a new delivery with a fresh set of retries.',
    tag: 'v2',
    scopes: ['ops:redrive'],
    params: { queue: queueParam },
    responses: {
      200: {
        description: 'The move started, or done.',
        schema: redrive,
        examples: {
          started: { summary: 'A move task started (AWS)', value: ackOf({ queue: 'send-email', taskHandle: 'eyJ0YXNrSWQiOiJkYzE5In0=' }) },
          moved: { summary: 'Messages moved (local stack)', value: ackOf({ queue: 'send-email', moved: 1 }) },
        },
      },
      ...v2Errors({ 400: V2_INVALID(`queue must be one of ${queueIds.join(', ')}`), 403: FORBIDDEN }),
    },
  },
};
