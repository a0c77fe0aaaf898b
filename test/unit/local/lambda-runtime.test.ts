import type { Context } from 'aws-lambda';
import { createLambdaContext, invokeWithTimeout, LambdaTimeoutError, loadHandler } from '../../../infra/local/lambda-runtime';

async function failure(act: Promise<unknown>): Promise<unknown> {
  return act.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('createLambdaContext', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('counts the remaining time down from the timeout, never below zero', () => {
    // Prepare
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    const context = createLambdaContext('revoke-devices', 3);

    // Act
    const atStart = context.getRemainingTimeInMillis();
    jest.advanceTimersByTime(1200);
    const later = context.getRemainingTimeInMillis();
    jest.advanceTimersByTime(10_000);
    const past = context.getRemainingTimeInMillis();

    // Assess
    expect(atStart).toBe(3000);
    expect(later).toBe(1800);
    expect(past).toBe(0);
  });

  it('names the function, its memory and labels the AWS-only values as fake', () => {
    const first = createLambdaContext('delete-customer', 10, 1024);
    const second = createLambdaContext('delete-customer', 10, 1024);

    expect(first.functionName).toBe('delete-customer');
    expect(first.memoryLimitInMB).toBe('1024');
    expect(first.invokedFunctionArn).toMatch(/^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:delete-customer-local-fake$/);
    expect(first.logGroupName).toContain('local-fake');
    expect(first.awsRequestId).not.toBe(second.awsRequestId);
  });
});

describe('invokeWithTimeout', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('returns the result and hands the handler a context with the remaining time', async () => {
    // Prepare
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    let seen: Context | undefined;
    const handler = async (event: { n: number }, context: Context) => {
      seen = context;
      return event.n * 2;
    };

    // Act
    const result = await invokeWithTimeout(handler, { n: 21 }, { name: 'doubler', timeoutSeconds: 5 });

    // Assess
    expect(result).toBe(42);
    expect(seen?.functionName).toBe('doubler');
    expect(seen?.getRemainingTimeInMillis()).toBe(5000);
  });

  it('rejects with LambdaTimeoutError once the timeout passes, not before', async () => {
    // Prepare: a handler that would answer long after its 0.2 s timeout
    jest.useFakeTimers();
    const slow = () => new Promise<string>((resolve) => setTimeout(() => resolve('too late'), 2000));
    let settled = false;
    const act = failure(invokeWithTimeout(slow, {}, { name: 'slow-fn', timeoutSeconds: 0.2 })).finally(() => (settled = true));

    // Act
    await jest.advanceTimersByTimeAsync(199);
    const settledBefore = settled;
    await jest.advanceTimersByTimeAsync(1);
    const error = await act;

    // Assess
    expect(settledBefore).toBe(false);
    expect(error).toBeInstanceOf(LambdaTimeoutError);
    expect((error as LambdaTimeoutError).message).toBe('Task timed out after 0.20 seconds (slow-fn)');
    expect((error as LambdaTimeoutError).functionName).toBe('slow-fn');
  });

  it('passes a handler error through unchanged, whether thrown or rejected', async () => {
    const boom = new Error('boom');
    const rejecting = async () => {
      throw boom;
    };
    const throwing = (() => {
      throw boom;
    }) as unknown as () => Promise<never>;

    await expect(invokeWithTimeout(rejecting, {}, { name: 'fn', timeoutSeconds: 1 })).rejects.toBe(boom);
    await expect(invokeWithTimeout(throwing, {}, { name: 'fn', timeoutSeconds: 1 })).rejects.toBe(boom);
  });

  it('clears its timer when the handler finishes first', async () => {
    jest.useFakeTimers();

    await invokeWithTimeout(async () => 'done', {}, { name: 'fn', timeoutSeconds: 30 });

    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('loadHandler', () => {
  it('loads the handler a module exports, by its path from the repository root', async () => {
    const handler = await loadHandler<{ n: number }, unknown>({ name: 'echo', entry: 'test/fixtures/local-echo-handler.ts' }, {});

    const result = await invokeWithTimeout(handler, { n: 1 }, { name: 'echo', timeoutSeconds: 1 });

    expect(result).toEqual({ event: { n: 1 }, functionName: 'echo' });
  });

  it('refuses a module without a handler export', async () => {
    await expect(loadHandler({ name: 'none', entry: 'test/fixtures/local-no-handler.ts' }, {})).rejects.toThrow('test/fixtures/local-no-handler.ts does not export a handler function');
  });
});
