import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { queueIds } from '../../../infra/catalog';
import type { LocalStack } from '../../../infra/local/stack';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { testClients } from '../support/emulators';
import { call, startTestStack } from './stack-harness';

/**
 * SPEC "Operator console" — the queue operations, through real HTTP on the local stack (pollers off, so
 * what is put in a queue stays there to be counted): each step queue's depth and its DLQ's, and a redrive
 * that moves a DLQ's messages back to its queue. ADMIN with ops:redrive only; a revoked actor is a 401;
 * an unknown queue a 400 (before the 403).
 */

let stack: LocalStack;
const { sqs } = testClients();

beforeAll(async () => {
  const seed = new SeedBuilder().customer('reseller-1', null).customer('ops-account', null).user('u-ops', 'ops-account');
  stack = await startTestStack(seed.build());
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

const operator = () => tokenFor({ sub: 'ops-1', accountId: 'platform', role: 'ADMIN', scope: 'ops:redrive' });
type Depth = { queue: string; messages: number; inFlight: number; dlqMessages: number };
const depthOf = async (queue: string) => ((await call(stack, 'GET', '/api/v2/ops/queues', { token: await operator() })).json.content as Depth[]).find((d) => d.queue === queue);

describe('GET /api/v2/ops/queues', () => {
  it('lists every step queue with its depth and its DLQ depth', async () => {
    const response = await call(stack, 'GET', '/api/v2/ops/queues', { token: await operator() });

    expect(response.status).toBe(200);
    expect((response.json.content as Depth[]).map((d) => d.queue)).toEqual([...queueIds]);
    expect(response.json.content).toContainEqual({ queue: 'revoke-devices', messages: 0, inFlight: 0, dlqMessages: 0 });
  });

  it('counts what waits in a queue and in its DLQ', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: stack.queues['end-sessions'].url, MessageBody: '{"waiting":1}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: stack.queues['end-sessions'].dlqUrl, MessageBody: '{"dead":1}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: stack.queues['end-sessions'].dlqUrl, MessageBody: '{"dead":2}' }));

    expect(await depthOf('end-sessions')).toEqual({ queue: 'end-sessions', messages: 1, inFlight: 0, dlqMessages: 2 });
  });
});

describe('POST /api/v2/ops/queues/{queue}/redrive', () => {
  it("moves the DLQ's messages back to the queue (locally at once: moved)", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: stack.queues['send-email'].dlqUrl, MessageBody: '{"poison":1}' }));
    expect(await depthOf('send-email')).toMatchObject({ messages: 0, dlqMessages: 1 });

    const response = await call(stack, 'POST', '/api/v2/ops/queues/send-email/redrive', { token: await operator() });

    expect(response.status).toBe(200);
    expect(response.json.content).toEqual([{ queue: 'send-email', moved: 1 }]);
    expect(await depthOf('send-email')).toEqual({ queue: 'send-email', messages: 1, inFlight: 0, dlqMessages: 0 });
  });

  it('moves nothing from an empty DLQ', async () => {
    const response = await call(stack, 'POST', '/api/v2/ops/queues/erase-logins/redrive', { token: await operator() });

    expect(response.json.content).toEqual([{ queue: 'erase-logins', moved: 0 }]);
  });

  it('refuses a queue that is not a step queue with a 400 naming the step queues, before the role check', async () => {
    const reseller = await tokenFor({ sub: 'r-1', accountId: 'reseller-1', role: 'RESALE', scope: 'customers:delete' });
    for (const token of [await operator(), reseller]) {
      const response = await call(stack, 'POST', '/api/v2/ops/queues/not-a-queue/redrive', { token });
      expect(response.status).toBe(400);
      expect(response.json).toEqual({ errorCode: 'VALIDATION_1001', errorMessage: `queue must be one of ${queueIds.join(', ')}`, content: '', pageable: '' });
    }
  });
});

describe('who may', () => {
  const routes: [string, string][] = [
    ['GET', '/api/v2/ops/queues'],
    ['POST', '/api/v2/ops/queues/send-email/redrive'],
  ];

  it.each(routes)('%s %s: 403 for a role other than ADMIN, and for an ADMIN without ops:redrive', async (method, path) => {
    const master = await tokenFor({ sub: 'm-1', accountId: 'reseller-1', role: 'MASTER', scope: 'ops:redrive' });
    const unscoped = await tokenFor({ sub: 'a-2', accountId: 'platform', role: 'ADMIN', scope: 'customers:delete customers:purge' });
    for (const token of [master, unscoped]) {
      const response = await call(stack, method, path, { token });
      expect(response.status).toBe(403);
      expect(response.json).toEqual({ errorCode: 'AUTH_1003', errorMessage: 'Requestor is not eligible', content: '', pageable: '' });
    }
  });

  it.each(routes)('%s %s: 401 without a token', async (method, path) => {
    const response = await call(stack, method, path);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('401 for an ADMIN whose own account a deletion ended, on both routes', async () => {
    const platformAdmin = await tokenFor({ sub: 'a-1', accountId: 'platform', role: 'ADMIN', scope: 'customers:delete' });
    expect((await call(stack, 'DELETE', '/customer/ops-account', { token: platformAdmin })).status).toBe(200);
    const revoked = await tokenFor({ sub: 'u-ops', accountId: 'ops-account', role: 'ADMIN', scope: 'ops:redrive' });

    for (const [method, path] of routes) {
      const response = await call(stack, method, path, { token: revoked });
      expect({ path, status: response.status, errorCode: response.json.errorCode }).toEqual({ path, status: 401, errorCode: 'AUTH_1001' });
    }
  });
});
