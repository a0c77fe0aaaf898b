// First, before the logger is built: a fresh process's environment (see the file).
import './fresh-lambda-env';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Context } from 'aws-lambda';
import { invokeWithTimeout } from '../../../infra/local/lambda-runtime';
import { httpHandler } from '../../../shared/http/middleware';
import { logger } from '../../../shared/observability/logger';
import { workerHandler } from '../../../shared/workers/worker-handler';
import { apiEventFactory } from '../../fixtures/api-events';

/**
 * The local stack runs every function in one process, with one module-level Powertools logger,
 * and their invocations interleave at each await. Each line must still name its own function and
 * carry its own invocation's ids: nothing appended by another invocation, running or finished.
 */

interface LogLine {
  message: string;
  function_name?: string;
  function_request_id?: string;
  correlationId?: string;
  route?: string;
  invocation?: string;
  awsRequestId?: string;
}

/** A promise released by hand, so the test decides the order in which invocations resume. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = () => undefined as void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Lets every pending promise callback run (several awaits deep), without timers. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

describe('local log attribution across interleaved invocations', () => {
  let lines: LogLine[];
  let write: jest.SpyInstance;

  beforeEach(() => {
    lines = [];
    // The logger writes one JSON document per line to stdout; keep ours, pass nothing through.
    write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const text of String(chunk).split('\n').filter((l) => l.startsWith('{'))) lines.push(JSON.parse(text) as LogLine);
      return true;
    });
    logger.setLogLevel('INFO');
  });

  afterEach(() => {
    write.mockRestore();
  });

  it('gives each line its own function_name, request id and correlationId, whatever ran in between', async () => {
    // Prepare: an API function (the HTTP middleware appends the request's correlationId) and a
    // worker (Powertools' injectLambdaContext with resetKeys), each logging before and after a gate.
    const gates = { a1: gate(), a2: gate(), w1: gate() };
    const api = httpHandler('v2', async (event: APIGatewayProxyEventV2) => {
      const name = event.pathParameters?.id ?? '';
      logger.info('api started', { invocation: name });
      await gates[name as 'a1' | 'a2'].opened;
      logger.info('api resumed', { invocation: name });
      return { statusCode: 200, body: '' };
    });
    const apiHandler = (event: APIGatewayProxyEventV2, context: Context) => {
      logger.info('api handler entered', { invocation: event.pathParameters?.id, awsRequestId: context.awsRequestId });
      return api(event, context);
    };
    const worker = workerHandler(async (event: { invocation: string }) => {
      logger.info('worker started', { invocation: event.invocation });
      await gates.w1.opened;
      logger.info('worker resumed', { invocation: event.invocation });
      return { batchItemFailures: [] };
    });
    const workerWithId = (event: { invocation: string }, context: Context) => {
      logger.info('worker handler entered', { invocation: event.invocation, awsRequestId: context.awsRequestId });
      return worker(event, context);
    };
    const apiEvent = (id: string) => apiEventFactory({ method: 'GET', routePath: '/things/{id}', path: `/things/${id}`, pathParameters: { id } });
    const events = { a1: apiEvent('a1'), a2: apiEvent('a2') };

    // Act: a1 starts, the worker starts, a2 starts; then a1 ends, the worker ends, a2 ends.
    const a1 = invokeWithTimeout(apiHandler, events.a1, { name: 'get-thing', timeoutSeconds: 5 });
    await settle();
    const w1 = invokeWithTimeout(workerWithId, { invocation: 'w1' }, { name: 'revoke-devices', timeoutSeconds: 5 });
    await settle();
    const a2 = invokeWithTimeout(apiHandler, events.a2, { name: 'get-thing', timeoutSeconds: 5 });
    await settle();
    gates.a1.open();
    await a1;
    gates.w1.open();
    await w1;
    gates.a2.open();
    await a2;

    // Assess: the lines came interleaved, as intended
    const order = lines.filter((l) => l.invocation !== undefined).map((l) => `${l.invocation} ${l.message}`);
    expect(order).toEqual([
      'a1 api handler entered',
      'a1 api started',
      'w1 worker handler entered',
      'w1 worker started',
      'a2 api handler entered',
      'a2 api started',
      'a1 api resumed',
      'w1 worker resumed',
      'a2 api resumed',
    ]);
    // each invocation's request id, as its handler saw it in its context
    const requestIdOf = Object.fromEntries(lines.filter((l) => l.awsRequestId).map((l) => [l.invocation, l.awsRequestId]));
    expect(new Set(Object.values(requestIdOf)).size).toBe(3);
    const expected = {
      a1: { function_name: 'get-thing', function_request_id: requestIdOf.a1, correlationId: events.a1.requestContext.requestId },
      a2: { function_name: 'get-thing', function_request_id: requestIdOf.a2, correlationId: events.a2.requestContext.requestId },
      w1: { function_name: 'revoke-devices', function_request_id: requestIdOf.w1, correlationId: undefined },
    } as const;
    expect(events.a1.requestContext.requestId).not.toBe(events.a2.requestContext.requestId);
    // every line the handlers wrote once the middleware had set the context: that invocation's keys only
    const tagged = lines.filter((l) => l.invocation !== undefined && !l.message.endsWith('handler entered'));
    expect(tagged).toHaveLength(6);
    for (const line of tagged) {
      const want = expected[line.invocation as keyof typeof expected];
      expect({ invocation: line.invocation, function_name: line.function_name, function_request_id: line.function_request_id, correlationId: line.correlationId }).toEqual({
        invocation: line.invocation,
        ...want,
      });
    }
    // the middleware's closing line of each request: its own function, request id and correlationId
    const completed = lines.filter((l) => l.message === 'request completed');
    expect(completed.map((l) => [l.correlationId, l.function_name, l.function_request_id])).toEqual([
      [events.a1.requestContext.requestId, 'get-thing', requestIdOf.a1],
      [events.a2.requestContext.requestId, 'get-thing', requestIdOf.a2],
    ]);
  });

  it('leaves nothing of a finished invocation on the next one of another function', async () => {
    // Prepare
    const api = httpHandler('v2', async () => {
      logger.info('api work');
      return { statusCode: 200, body: '' };
    });
    const worker = workerHandler(async () => {
      logger.info('worker work');
      return { batchItemFailures: [] };
    });
    const event = apiEventFactory({ method: 'GET', routePath: '/things/{id}', path: '/things/x', pathParameters: { id: 'x' } });

    // Act
    await invokeWithTimeout(api, event, { name: 'get-thing', timeoutSeconds: 5 });
    await invokeWithTimeout(worker, { Records: [] }, { name: 'send-email', timeoutSeconds: 5 });

    // Assess
    const work = lines.find((l) => l.message === 'worker work');
    expect(work).toMatchObject({ function_name: 'send-email' });
    expect(work).not.toHaveProperty('correlationId');
    expect(work).not.toHaveProperty('route');
  });
});
