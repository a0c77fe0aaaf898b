import type * as z from 'zod';
import type { HttpMethod } from '../../../infra/catalog';
import { ERROR_KIND_ANSWERS, INTERNAL_FAULT } from '../error-kinds';
import { v1Error, v2Nak } from './schemas';

/**
 * What one route promises, beside its handler (`shared/http/routes/<route>.contract.ts`): its input
 * (the very zod schemas the handler parses with) and every response it gives, with examples. The
 * OpenAPI document (./openapi.ts) is built from these, one per route the catalog declares.
 */

export interface Example {
  summary: string;
  value: unknown;
}

export interface ResponseSpec {
  description: string;
  /** A schema of `components` (./schemas.ts). */
  schema: z.core.$ZodType;
  examples: Record<string, Example>;
  /** Response headers that matter to a client (e.g. WWW-Authenticate on a 401). */
  headers?: Record<string, { description: string; example: string }>;
}

export interface OperationSpec {
  operationId: string;
  summary: string;
  description: string;
  tag: 'v1' | 'v2' | 'public';
  /** `null`: no authentication. Otherwise a bearer token carrying all these scopes (none: any valid token). */
  scopes: readonly string[] | null;
  params?: Record<string, z.core.$ZodType>;
  query?: Record<string, z.core.$ZodType>;
  headers?: Record<string, z.core.$ZodType>;
  /** The JSON request body, optional for the caller (every body this API takes may be left out). */
  body?: z.core.$ZodType;
  responses: Record<number, ResponseSpec>;
}

export type RouteKey = `${HttpMethod} ${string}`;

/** A route module's contracts, by route key (`DELETE /customer/{customerId}`), as the catalog spells the route. */
export type RouteContracts = Record<RouteKey, OperationSpec>;

const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': { description: 'Why the token was refused.', example: 'Bearer error="invalid_token"' } };

type V1Refusal = [code: string, message: string, extra?: Record<string, unknown>];

/** v1 refusals by status, each an example `[code, message]` (one or more per status); 401, 500 and 503 are added. */
export function v1Errors(refusals: Record<number, { description: string; examples: Record<string, V1Refusal> }>): Record<number, ResponseSpec> {
  const unauthorized = ERROR_KIND_ANSWERS.unauthenticated;
  const all: Record<number, { description: string; examples: Record<string, V1Refusal> }> = {
    401: {
      description: 'Missing, malformed, expired or untrusted token, or an actor whose access a deletion ended.',
      examples: { invalidToken: [unauthorized.v1Code, 'Invalid or missing token'], revoked: ['TOKEN_REVOKED', 'Invalid or missing token'] },
    },
    ...refusals,
    500: { description: 'An internal fault: nothing about it is said.', examples: { internal: [INTERNAL_FAULT.v1.code, INTERNAL_FAULT.v1.message] } },
    503: { description: 'A dependency is unavailable; try again.', examples: { unavailable: [ERROR_KIND_ANSWERS.unavailable.v1Code, 'Service unavailable. Please try again'] } },
  };
  return Object.fromEntries(
    Object.entries(all).map(([status, { description, examples }]) => [
      status,
      {
        description,
        schema: v1Error,
        examples: Object.fromEntries(Object.entries(examples).map(([name, [code, message, extra]]) => [name, { summary: message, value: { success: false, message, code, ...extra } }])),
        ...(status === '401' ? { headers: UNAUTHORIZED_HEADERS } : {}),
      },
    ]),
  );
}

type V2Refusal = [errorCode: string, errorMessage: string];

/** v2 NAKs by status, each an example `[errorCode, errorMessage]`; 401, 500 and 503 are added. */
export function v2Errors(refusals: Record<number, { description: string; examples: Record<string, V2Refusal> }>): Record<number, ResponseSpec> {
  const all: Record<number, { description: string; examples: Record<string, V2Refusal> }> = {
    401: {
      description: 'Missing, malformed, expired or untrusted token, or an actor whose access a deletion ended.',
      examples: { unauthorized: [ERROR_KIND_ANSWERS.unauthenticated.v2.errorCode, 'Unauthorized'] },
    },
    ...refusals,
    500: { description: 'An internal fault: nothing about it is said.', examples: { internal: [INTERNAL_FAULT.v2.errorCode, INTERNAL_FAULT.v2.errorMessage] } },
    503: { description: 'A dependency is unavailable; try again.', examples: { unavailable: [ERROR_KIND_ANSWERS.unavailable.v2.errorCode, 'Service unavailable. Please try again'] } },
  };
  return Object.fromEntries(
    Object.entries(all).map(([status, { description, examples }]) => [
      status,
      {
        description,
        schema: v2Nak,
        examples: Object.fromEntries(Object.entries(examples).map(([name, [errorCode, errorMessage]]) => [name, { summary: errorMessage, value: { errorCode, errorMessage, content: '', pageable: '' } }])),
        ...(status === '401' ? { headers: UNAUTHORIZED_HEADERS } : {}),
      },
    ]),
  );
}

/** The v2 403 and 400 rows every authenticated v2 route shares. */
export const V2_INVALID = (message: string): { description: string; examples: Record<string, V2Refusal> } => ({
  description: 'Malformed input: the message says what.',
  examples: { invalid: [ERROR_KIND_ANSWERS['invalid-input'].v2.errorCode, message] },
});
