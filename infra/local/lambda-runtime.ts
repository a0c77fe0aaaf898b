import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** Thrown when a handler runs past its configured timeout, as Lambda would stop it. */
export class LambdaTimeoutError extends Error {
  constructor(public readonly functionName: string, public readonly timeoutSeconds: number) {
    super(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds (${functionName})`);
    this.name = 'LambdaTimeoutError';
  }
}

/** A Lambda-like context. Values that only AWS can know are labelled as fake. */
export function createLambdaContext(functionName: string, timeoutSeconds: number, memoryMb = 512): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}-local-fake`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}-local-fake`,
    logStreamName: `local-fake/${awsRequestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export type AsyncHandler<E, R> = (event: E, context: Context) => Promise<R>;

/** Invokes a handler in process with a Lambda-like context, and enforces its timeout. */
export async function invokeWithTimeout<E, R>(
  handler: AsyncHandler<E, R>,
  event: E,
  spec: { name: string; timeoutSeconds: number; memoryMb?: number },
): Promise<R> {
  const context = createLambdaContext(spec.name, spec.timeoutSeconds, spec.memoryMb);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LambdaTimeoutError(spec.name, spec.timeoutSeconds)), spec.timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([handler(event, context), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Loads a handler module the catalog names (entry relative to the repository root). */
export async function loadHandler<E, R>(entry: string): Promise<AsyncHandler<E, R>> {
  const { resolve } = await import('node:path');
  const modulePath = resolve(__dirname, '..', '..', entry);
  const loaded = (await import(modulePath)) as { handler?: AsyncHandler<E, R> };
  if (typeof loaded.handler !== 'function') throw new Error(`${entry} does not export a handler function`);
  return loaded.handler;
}
