import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import { functions, variablesOf, type FunctionSpec } from '../catalog';

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

/** Every application variable any function's declaration names: none of them is visible to a function that was not given it. */
const APPLICATION_VARIABLES = new Set<string>(functions.flatMap((fn) => variablesOf(fn)));
const loadedWith = new Map<string, string>();

/**
 * Loads a handler module the catalog names (entry relative to the repository root) as Lambda would
 * start it: while it loads (its cold start, where it reads its configuration), `process.env` holds
 * exactly the application variables `env` gives it, none of another function's. A variable its
 * code needs and its declaration does not give it fails here, on a laptop, as it would in AWS.
 */
export async function loadHandler<E, R>(spec: Pick<FunctionSpec, 'name' | 'entry'>, env: Readonly<Record<string, string>>): Promise<AsyncHandler<E, R>> {
  const fingerprint = JSON.stringify(Object.entries(env).sort());
  const previous = loadedWith.get(spec.entry);
  if (previous !== undefined && previous !== fingerprint) {
    // A module is evaluated once per process: a second stack with other settings would run with the first one's.
    throw new Error(`${spec.name} is already loaded with another environment: run one local stack per process`);
  }
  const saved = Object.fromEntries([...APPLICATION_VARIABLES].map((name) => [name, process.env[name]]));
  for (const name of APPLICATION_VARIABLES) delete process.env[name];
  Object.assign(process.env, env);
  try {
    const loaded = (await import(resolve(__dirname, '..', '..', spec.entry))) as { handler?: AsyncHandler<E, R> };
    if (typeof loaded.handler !== 'function') throw new Error(`${spec.entry} does not export a handler function`);
    loadedWith.set(spec.entry, fingerprint);
    return loaded.handler;
  } finally {
    for (const name of APPLICATION_VARIABLES) delete process.env[name];
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  }
}
