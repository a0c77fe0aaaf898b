import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError } from '../domain/errors';
import { logger } from '../observability/logger';
import { toV1ErrorResponse, toV2ErrorResponse } from './error-mapping';

export type ApiFlavor = 'v1' | 'v2';

/**
 * The API middleware stack in one piece: the request id becomes the log correlation id, every
 * error becomes the flavour's error response (one mapping, in error-mapping.ts), and each request
 * ends with one log line of its outcome. Caller errors are logged by code; faults with their cause.
 */
export function httpApi(flavor: ApiFlavor): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  const toErrorResponse = flavor === 'v1' ? toV1ErrorResponse : toV2ErrorResponse;
  return {
    before: async (request) => {
      logger.addContext(request.context);
      logger.appendKeys({ correlationId: request.event.requestContext?.requestId, route: request.event.routeKey });
    },
    after: async (request) => {
      const status = (request.response as APIGatewayProxyStructuredResultV2 | undefined)?.statusCode;
      logger.info('request completed', { status });
      logger.resetKeys();
    },
    onError: async (request) => {
      const error = request.error;
      request.response = toErrorResponse(error);
      if (error instanceof DomainError && error.status < 500) {
        logger.info('request refused', { status: error.status, code: error.code, ...('reason' in error ? { reason: error.reason } : {}) });
      } else if (error instanceof DomainError) {
        logger.warn('dependency unavailable', { status: error.status, code: error.code, error: error.cause instanceof Error ? error.cause.name : undefined });
      } else {
        logger.error('request failed', error as Error);
      }
      logger.resetKeys();
    },
  };
}
