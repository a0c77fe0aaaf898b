import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { ValidationError } from '../domain/errors';
import type { Pageable, PageRequest } from '../domain/state-reads';
import { jsonResponse } from './error-mapping';
import { parseWith } from './input';

/** A page's size when the caller names none, its bounds, and how deep paging may go (SPEC: page × size ≤ 10,000). */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
export const MAX_PAGE_DEPTH = 10_000;

const NON_NEGATIVE_INTEGER = /^(0|[1-9][0-9]{0,8})$/;

/** A query parameter holding a non-negative integer (as digits, no leading zero), decoded to a number. */
function integerQuery(name: string, bounds: { min: number; max: number; message: string } | undefined, fallback: number) {
  const digits = z.string({ error: `${name} must be a non-negative integer` }).check(z.regex(NON_NEGATIVE_INTEGER, { error: `${name} must be a non-negative integer` }));
  const value = bounds ? z.int().check(z.minimum(bounds.min, { error: bounds.message }), z.maximum(bounds.max, { error: bounds.message })) : z.int().check(z.minimum(0));
  return z._default(z.codec(digits, value, { decode: Number, encode: String }), fallback);
}

/** `?page=&size=`: what the handlers parse with and what the OpenAPI document says (page × size is checked after). */
export const pageQuery = {
  page: integerQuery('page', undefined, 0),
  size: integerQuery('size', { min: 1, max: MAX_PAGE_SIZE, message: `size must be between 1 and ${MAX_PAGE_SIZE}` }, DEFAULT_PAGE_SIZE),
};

/**
 * `?page=&size=` of a v2 list: `page` an integer ≥ 0 (default 0), `size` 1–100 (default 20), and
 * `page × size` at most 10,000, so a deep page never walks more than that many records. Anything
 * else is a 400 naming the parameter.
 */
export function pageRequest(event: APIGatewayProxyEventV2, code = 'VALIDATION_1001'): PageRequest {
  const query = event.queryStringParameters ?? {};
  const page = parseWith(pageQuery.page, query.page, code);
  const size = parseWith(pageQuery.size, query.size, code);
  if (page * size > MAX_PAGE_DEPTH) throw new ValidationError(code, `page × size must be at most ${MAX_PAGE_DEPTH}`);
  return { page, size };
}

/** The v2 success ACK of one page of a list, with its real `pageable`. */
export function v2Page(content: readonly unknown[], pageable: Pageable): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(200, { errorCode: '', errorMessage: '', content, pageable });
}
