import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError } from '../domain/errors';
import { errorName, faultFields } from '../domain/safe-error';
import { logger } from '../observability/logger';
import { serviceMetrics, type ServiceMetrics } from '../observability/metrics';
import { traceInvocation } from '../observability/tracer';
import { answeredCode, toV1ErrorResponse, toV2ErrorResponse } from './error-mapping';

export type ApiFlavor = 'v1' | 'v2';

/**
 * The API middleware stack in one piece: the request id becomes the log correlation id, every
 * error becomes the flavour's error response (one mapping, in error-mapping.ts), and each request
 * ends with one log line of its outcome. Caller errors are logged by kind and code; faults only as
 * far as safe-error.ts allows (class name and stack frames, never the message). Every 4xx answer is counted by the
 * code the caller received (the `Refusals` metric).
 */
export function httpApi(flavor: ApiFlavor, metrics: ServiceMetrics = serviceMetrics): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  const toErrorResponse = flavor === 'v1' ? toV1ErrorResponse : toV2ErrorResponse;
  const countRefusal = (response: APIGatewayProxyStructuredResultV2 | undefined) => {
    const status = response?.statusCode;
    if (status !== undefined && status >= 400 && status < 500) metrics.refused(answeredCode(response) ?? `HTTP_${status}`);
  };
  return {
    before: async (request) => {
      logger.addContext(request.context);
      logger.appendKeys({ correlationId: request.event.requestContext?.requestId, route: request.event.routeKey });
    },
    after: async (request) => {
      const response = request.response as APIGatewayProxyStructuredResultV2 | undefined;
      countRefusal(response);
      logger.info('request completed', { status: response?.statusCode });
      logger.resetKeys();
    },
    onError: async (request) => {
      const error = request.error;
      const response = toErrorResponse(error);
      request.response = response;
      countRefusal(response);
      const status = response.statusCode ?? 500;
      if (error instanceof DomainError && status < 500) {
        logger.info('request refused', { status, kind: error.kind, code: error.code, ...('reason' in error ? { reason: error.reason } : {}) });
      } else if (error instanceof DomainError && error.kind === 'unavailable') {
        logger.warn('dependency unavailable', { status, kind: error.kind, code: error.code, error: errorName(error.cause) });
      } else {
        logger.error('request failed', faultFields(error));
      }
      logger.resetKeys();
    },
  };
}

/** An API handler: the function wrapped in the flavour's middleware stack, traced (X-Ray, in Lambda). */
export function httpHandler(flavor: ApiFlavor, fn: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>, metrics: ServiceMetrics = serviceMetrics) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>().handler(fn).use(traceInvocation()).use(httpApi(flavor, metrics));
}
