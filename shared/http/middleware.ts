import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError } from '../domain/errors';
import { logger } from '../observability/logger';
import { toV1ErrorResponse, toV2ErrorResponse } from './error-mapping';

export type ApiFlavor = 'v1' | 'v2';

/**
 * What a log may say about an unexpected fault: its class and where it happened. Not its message
 * or properties, which for SDK errors can carry item values (a customer's name or address).
 */
export function faultFields(error: unknown): { errorName: string; frames: string } {
  const { name, stack } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; stack?: unknown };
  const frames = typeof stack === 'string' ? stack.split('\n').filter((line) => line.trimStart().startsWith('at ')).slice(0, 10).join('\n') : '';
  return { errorName: typeof name === 'string' ? name : typeof error, frames };
}

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
        logger.error('request failed', faultFields(error));
      }
      logger.resetKeys();
    },
  };
}

/** An API handler: the function wrapped in the flavour's middleware stack. */
export function httpHandler(flavor: ApiFlavor, fn: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>().handler(fn).use(httpApi(flavor));
}
