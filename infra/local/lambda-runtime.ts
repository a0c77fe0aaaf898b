import { AsyncLocalStorage } from 'node:async_hooks';
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

type InvocationContext = Record<string | symbol, unknown>;
/** The key the Lambda runtime stores an invocation's request id under (a registered symbol, shared with @aws/lambda-invoke-store). */
const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');

/**
 * The invocation store the Lambda runtime provides when one execution environment runs several
 * invocations at once (AWS_LAMBDA_MAX_CONCURRENCY, Lambda Managed Instances): AsyncLocalStorage
 * behind `globalThis.awslambda.InvokeStore`, the interface of @aws/lambda-invoke-store.
 * Powertools keeps a logger's Lambda context and appended keys there instead of on the instance.
 *
 * The local stack is such an environment: every function's invocations share one process and one
 * module-level logger, and interleave at each await. Without this store one invocation's
 * `function_name` and `correlationId` would land on another's log lines.
 */
class LocalInvokeStore {
  readonly #storage = new AsyncLocalStorage<InvocationContext>();

  getContext(): InvocationContext | undefined {
    return this.#storage.getStore();
  }
  hasContext(): boolean {
    return this.#storage.getStore() !== undefined;
  }
  get<T = unknown>(key: string | symbol): T | undefined {
    return this.#storage.getStore()?.[key] as T | undefined;
  }
  set<T = unknown>(key: string | symbol, value: T): void {
    const store = this.#storage.getStore();
    if (!store) throw new Error('No invocation context: set() is only possible inside an invocation');
    if (key === REQUEST_ID) throw new Error('The request id of an invocation cannot be changed');
    store[key] = value;
  }
  run<T>(context: InvocationContext, fn: () => T): T {
    return this.#storage.run(context, fn);
  }
  getRequestId(): string {
    return this.get<string>(REQUEST_ID) ?? '-';
  }
  // Only AWS knows these (X-Ray, tenancy, W3C trace context): none locally.
  getXRayTraceId(): undefined {
    return undefined;
  }
  getTenantId(): undefined {
    return undefined;
  }
  getTraceparent(): undefined {
    return undefined;
  }
  getTracestate(): undefined {
    return undefined;
  }
  getBaggage(): undefined {
    return undefined;
  }
}

/** How many invocations the local stack lets one process run at once, as far as Powertools is told: not a limit it enforces. */
const LOCAL_MAX_CONCURRENCY = '64';

/**
 * Installs the local invocation store once per process (per module registry under Jest), before
 * telling Powertools to use it: with AWS_LAMBDA_MAX_CONCURRENCY set and no store, every log call
 * would throw. A store the SDK installed first (a single-invocation one) is replaced: the SDK only
 * reads trace ids from it, Powertools reads the global on every call.
 */
function invocationStore(): LocalInvokeStore {
  const globals = globalThis as unknown as { awslambda?: { InvokeStore?: unknown } };
  const current = globals.awslambda?.InvokeStore;
  if (current instanceof LocalInvokeStore) return current;
  const store = new LocalInvokeStore();
  globals.awslambda ??= {};
  globals.awslambda.InvokeStore = store;
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= LOCAL_MAX_CONCURRENCY;
  return store;
}

/**
 * Invokes a handler in process with a Lambda-like context, and enforces its timeout. Each
 * invocation runs in its own invocation context (see LocalInvokeStore), so its log lines carry its
 * own function name, request id and keys, whatever else runs meanwhile.
 */
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
    const invocation = invocationStore().run({ [REQUEST_ID]: context.awsRequestId }, () => handler(event, context));
    return await Promise.race([invocation, timeout]);
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
