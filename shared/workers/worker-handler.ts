import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../observability/logger';
import { traceInvocation } from '../observability/tracer';

/**
 * A worker (queue consumer or stream relay) as Lambda runs it: the function's context on every log
 * line, and the keys a previous invocation appended reset, so no line carries another's ids; traced (X-Ray, in Lambda).
 * The workers' counterpart of `httpHandler()` in shared/http/middleware.ts.
 */
export function workerHandler<E, R>(fn: (event: E) => Promise<R>) {
  return middy<E, R, Error, Context>().handler(fn).use(traceInvocation()).use(injectLambdaContext(logger, { resetKeys: true }));
}
