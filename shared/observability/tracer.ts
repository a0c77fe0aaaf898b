import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';
import { errorName } from '../domain/safe-error';

/**
 * X-Ray keeps the message of an error added to a segment, and a fault's message may carry what the service never
 * logs (safe-error.ts): the segment gets the error's class name instead, so a trace says what failed, never with whom.
 */
class SafeErrorTracer extends Tracer {
  public override addErrorAsMetadata(error: Error, remote?: boolean): void {
    const name = errorName(error) ?? 'Error';
    const safe = new Error(name);
    safe.name = name;
    super.addErrorAsMetadata(safe, remote);
  }
}

/**
 * The one tracer (Powertools Tracer over the X-Ray SDK): service name from POWERTOOLS_SERVICE_NAME. It traces only in
 * Lambda with active tracing; in the local stack and the tests (no AWS_EXECUTION_ENV) it is off and every call below
 * is a pass-through. In AWS the Powertools layer provides it (infra/constructs/node-function.ts): it is not bundled.
 */
export const tracer = new SafeErrorTracer();

/** An AWS SDK v3 client whose calls become X-Ray subsegments (service, operation, status; never the payload). */
export function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}

/**
 * The handler's own subsegment, its cold start annotated. `captureResponse: false`: a response (a customer's name and
 * email on GET /customer) must not become trace metadata.
 */
export function traceInvocation<E, R>(): MiddlewareObj<E, R> {
  return captureLambdaHandler(tracer, { captureResponse: false }) as MiddlewareObj<E, R>;
}
