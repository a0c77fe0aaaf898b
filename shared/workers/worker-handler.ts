import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../observability/logger';

/**
 * A worker (queue consumer or stream relay) as Lambda runs it: the function's context on every log
 * line, and the keys a previous invocation appended reset, so no line carries another's ids.
 * The workers' counterpart of `httpHandler()` in shared/http/middleware.ts.
 */
export function workerHandler<E, R>(fn: (event: E) => Promise<R>) {
  return middy<E, R, Error, Context>().handler(fn).use(injectLambdaContext(logger, { resetKeys: true }));
}
