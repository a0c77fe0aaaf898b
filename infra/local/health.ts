import { ListTablesCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListQueuesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export type EmulatorState = 'up' | 'down';

export interface StackHealth {
  ok: boolean;
  dynamodb: EmulatorState;
  sqs: EmulatorState;
  ses: EmulatorState;
}

/** Long enough for a busy emulator on a laptop, short enough that a health check never hangs. */
const PROBE_TIMEOUT_MS = 1500;

async function answers(probe: (signal: AbortSignal) => Promise<unknown>): Promise<EmulatorState> {
  try {
    await probe(AbortSignal.timeout(PROBE_TIMEOUT_MS));
    return 'up';
  } catch {
    return 'down';
  }
}

/** The SES emulator's own health check: a 200 from `GET /health-check`. */
async function sesAnswers(endpoint: string, signal: AbortSignal): Promise<void> {
  const response = await fetch(`${endpoint}/health-check`, { signal });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`SES emulator answered ${response.status}`);
}

/** `GET /health` on the local gateway: does each emulator answer a cheap call right now? */
export async function probeEmulators(clients: { dynamo: DynamoDBClient; sqs: SQSClient; sesEndpoint: string }): Promise<StackHealth> {
  const [dynamodb, sqs, ses] = await Promise.all([
    answers((abortSignal) => clients.dynamo.send(new ListTablesCommand({ Limit: 1 }), { abortSignal })),
    answers((abortSignal) => clients.sqs.send(new ListQueuesCommand({ MaxResults: 1 }), { abortSignal })),
    answers((signal) => sesAnswers(clients.sesEndpoint, signal)),
  ]);
  return { ok: dynamodb === 'up' && sqs === 'up' && ses === 'up', dynamodb, sqs, ses };
}

/**
 * The stack's health: its emulators, and whether its API is serving yet. The port is open (and this
 * route answers) before the handlers are loaded, so until then the stack says `api: 'starting'` and
 * is not ok: a script that waits for a 200 here may then call any route.
 */
export function stackHealth(emulators: StackHealth, apiReady: boolean): StackHealth & { api: 'starting' | 'up' } {
  return { ...emulators, ok: emulators.ok && apiReady, api: apiReady ? 'up' : 'starting' };
}

/** 503 when an emulator is down, as a load balancer's health check expects. */
export const healthStatus = (health: StackHealth): number => (health.ok ? 200 : 503);
